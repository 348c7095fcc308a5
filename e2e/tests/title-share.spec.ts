/** Scenario 11: renaming syncs to everyone; the share dialog's copied links open the document. */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Clicks a copy button and returns what landed on the clipboard. */
async function copyLink(page: Page, testId: string): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''))
  await page.getByTestId(testId).click()
  await expect(page.getByTestId(testId)).toHaveText('Copied')
  let copied = ''
  await expect
    .poll(async () => {
      copied = await page.evaluate(() => navigator.clipboard.readText())
      return copied
    })
    .not.toBe('')
  return copied
}

test('renaming syncs to B, and the links copied from the share dialog work', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl)
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await ann.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tandem.baseUrl })
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  // Renaming, from both sides.
  const annTitle = ann.getByTestId('document-title')
  const benTitle = ben.getByTestId('document-title')
  await annTitle.fill('Quarterly plan')
  await expect(benTitle).toHaveValue('Quarterly plan')
  await expect(ben).toHaveTitle('Quarterly plan · Tandem')
  await benTitle.click()
  await ben.keyboard.press('End')
  await ben.keyboard.type(' (draft)')
  await expect(annTitle).toHaveValue('Quarterly plan (draft)')
  await expect(ann).toHaveTitle('Quarterly plan (draft) · Tandem')
  await editorContent(ann).click()
  await ann.keyboard.type('Goals for the quarter')

  // The share dialog shows the link Ann came with; keys are stored hashed, so a view link this
  // browser has never seen is created on request. Both are copied.
  await ann.getByTestId('share-button').click()
  const dialog = ann.getByTestId('share-dialog')
  await expect(dialog).toBeVisible()
  await expect(ann.getByTestId('share-edit-link')).toHaveValue(doc.editUrl)
  await expect(ann.getByTestId('share-view-link')).toHaveValue('')
  await ann.getByTestId('share-create-view').click()
  const viewLink = ann.getByTestId('share-view-link')
  await expect(viewLink).toHaveValue(new RegExp(`^${tandem.baseUrl}/d/${doc.id}#key=[\\w-]+$`))
  expect(await viewLink.inputValue()).not.toBe(doc.viewUrl)
  const copiedEdit = await copyLink(ann, 'share-copy-edit')
  const copiedView = await copyLink(ann, 'share-copy-view')
  expect(copiedEdit).toBe(doc.editUrl)
  expect(copiedView).toBe(await viewLink.inputValue())
  await ann.getByTestId('share-close').click()
  await expect(dialog).toHaveCount(0)

  // The copied view link opens a read-only view of the renamed document.
  const cy = await newUser('Cy')
  await openEditor(cy, copiedView)
  await expect(cy.getByTestId('view-only-badge')).toBeVisible()
  await expect(cy.getByTestId('document-title')).toHaveValue('Quarterly plan (draft)')
  await expect(editorContent(cy)).toHaveText('Goals for the quarter')
  // A viewer's share dialog offers the view link only.
  await cy.getByTestId('share-button').click()
  await expect(cy.getByTestId('share-view-link')).toHaveValue(copiedView)
  await expect(cy.getByTestId('share-edit-link')).toHaveValue('')
  await expect(cy.getByTestId('share-create-edit')).toHaveCount(0)
  await cy.keyboard.press('Escape')
  await expect(cy.getByTestId('share-dialog')).toHaveCount(0)

  // The copied edit link lets a new person edit; everyone sees it, and a later rename reaches the viewer.
  const dee = await newUser('Dee')
  await openEditor(dee, copiedEdit)
  await expect(dee.getByTestId('view-only-badge')).toHaveCount(0)
  await editorContent(dee).click()
  await dee.keyboard.press('End')
  await dee.keyboard.type(', signed off by Dee')
  await expect(editorContent(ann)).toHaveText('Goals for the quarter, signed off by Dee')
  await expect(editorContent(cy)).toHaveText('Goals for the quarter, signed off by Dee')
  await dee.getByTestId('document-title').fill('Q3 plan')
  await expect(annTitle).toHaveValue('Q3 plan')
  await expect(cy.getByTestId('document-title')).toHaveValue('Q3 plan')
})
