/** Scenario 11: renaming syncs to everyone; the share dialog's copied links open the document. */
import type { Locator, Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Clicks a copy button and returns what landed on the clipboard. */
async function copyLink(page: Page, button: Locator): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''))
  await button.click()
  await expect(button).toHaveText('Copied')
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

  // The share dialog lists the document's links, the one Ann came with among them; a new view link
  // joins the list. Both are copied.
  await ann.getByTestId('share-button').click()
  const dialog = ann.getByTestId('share-dialog')
  await expect(dialog).toBeVisible()
  const rows = (role: string) => dialog.locator(`[data-testid="share-link-row"][data-role="${role}"]`)
  await expect(rows('editor').getByTestId('share-link-url')).toHaveValue(doc.editUrl)
  await expect(rows('viewer')).toHaveCount(1)
  await ann.getByTestId('share-create-view').click()
  await expect(rows('viewer')).toHaveCount(2)
  const viewLink = rows('viewer').last().getByTestId('share-link-url')
  await expect(viewLink).toHaveValue(new RegExp(`^${tandem.baseUrl}/d/${doc.id}#key=[\\w-]+$`))
  expect(await viewLink.inputValue()).not.toBe(doc.viewUrl)
  const copiedEdit = await copyLink(ann, rows('editor').getByTestId('share-link-copy'))
  const copiedView = await copyLink(ann, rows('viewer').last().getByTestId('share-link-copy'))
  expect(copiedEdit).toBe(doc.editUrl)
  expect(copiedView).toBe(await viewLink.inputValue())
  await ann.getByTestId('share-close').click()
  await expect(dialog).toHaveCount(0)
  // Focus goes back to the Share button.
  await expect(ann.getByTestId('share-button')).toBeFocused()

  // The copied view link opens a read-only view of the renamed document.
  const cy = await newUser('Cy')
  await openEditor(cy, copiedView)
  await expect(cy.getByTestId('view-only-badge')).toBeVisible()
  await expect(cy.getByTestId('document-title')).toHaveValue('Quarterly plan (draft)')
  await expect(editorContent(cy)).toHaveText('Goals for the quarter')
  // A viewer's share dialog offers the view link they hold, and nothing to manage.
  await cy.getByTestId('share-button').click()
  const cysRows = cy.getByTestId('share-dialog').getByTestId('share-link-row')
  await expect(cysRows).toHaveCount(1)
  await expect(cysRows.getByTestId('share-link-url')).toHaveValue(copiedView)
  await expect(cy.getByTestId('share-create-edit')).toHaveCount(0)
  await expect(cy.getByTestId('share-link-revoke')).toHaveCount(0)
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
