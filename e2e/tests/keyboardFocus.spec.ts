/**
 * Issue 15, item 8: where keyboard focus goes. After the name prompt, the editor; Enter in the title,
 * the start of the document; the share dialog keeps focus while open and gives it back to Share; Tab
 * indents list items only and otherwise leaves the editor.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, expectSynced, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** The focused element's data-testid (or tag name), for messages and checks. */
function focusedTestId(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement
    return active?.getAttribute('data-testid') ?? active?.tagName.toLowerCase() ?? 'none'
  })
}

test('after the name prompt, typing goes into the document', async ({ tandem, browser }) => {
  const doc = await createDocument(tandem.baseUrl, 'First visit')
  // Not `newUser`: that answers the name prompt in advance.
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(doc.editUrl)
    await page.getByTestId('name-input').fill('Dee')
    await page.keyboard.press('Enter')
    await expectSynced(page)
    await expect(editorContent(page)).toBeFocused()
    await page.keyboard.type('Typed straight away')
    await expect(editorContent(page)).toHaveText('Typed straight away')
  } finally {
    await context.close()
  }
})

test('Enter in the title moves on to the start of the document', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, '')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('the body')

  const title = ann.getByTestId('document-title')
  await title.click()
  await title.fill('Plan')
  await ann.keyboard.press('Enter')
  await expect(editorContent(ann)).toBeFocused()
  await ann.keyboard.type('Start of ')
  await expect(editorContent(ann)).toHaveText('Start of the body')
  await expect(title).toHaveValue('Plan')
})

test('the share dialog keeps focus inside while open; Escape closes it and focus returns to Share', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Sharing')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const share = ann.getByTestId('share-button')
  await share.focus()
  await ann.keyboard.press('Enter')
  const dialog = ann.getByTestId('share-dialog')
  await expect(dialog).toBeVisible()

  // More presses than the dialog has controls, both ways round: focus never leaves it.
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let press = 0; press < 8; press++) {
      await ann.keyboard.press(key)
      const inside = await dialog.evaluate((element) => element.contains(document.activeElement))
      expect(inside, `${key} #${press + 1} focused ${await focusedTestId(ann)}`).toBe(true)
    }
  }

  await ann.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(share).toBeFocused()
})

test('Tab indents list items (from anywhere in them) and otherwise leaves the editor', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Tabs')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const content = editorContent(ann)
  await content.click()
  await ann.keyboard.type('A paragraph')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('- first')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('second item')
  await expect(content.locator('ul > li')).toHaveCount(2)

  // In the middle of a list item: Tab nests the item, no tab character.
  await ann.keyboard.press('ArrowLeft')
  await ann.keyboard.press('ArrowLeft')
  await ann.keyboard.press('Tab')
  await expect(content.locator('ul ul li')).toHaveText('second item')
  await expect(content).toBeFocused()
  // Shift+Tab takes it back out.
  await ann.keyboard.press('Shift+Tab')
  await expect(content.locator('ul ul')).toHaveCount(0)
  await expect(content.locator('ul > li')).toHaveCount(2)
  await expect(content).toBeFocused()

  // Escape, then Tab: the way out of a list.
  await ann.keyboard.press('Escape')
  await ann.keyboard.press('Tab')
  await expect(content).not.toBeFocused()

  // In a paragraph, Tab leaves the editor (to the next control on the page) and types nothing;
  // Shift+Tab goes back to the toolbar.
  await placeCaretAtEnd(content.locator('p').first())
  await ann.keyboard.press('Tab')
  await expect(content).not.toBeFocused()
  await placeCaretAtEnd(content.locator('p').first())
  await ann.keyboard.press('Shift+Tab')
  await expect(content).not.toBeFocused()
  expect(
    await ann.getByTestId('toolbar').evaluate((toolbar) => toolbar.contains(document.activeElement)),
  ).toBe(true)
  await expect(content.locator('p').first()).toHaveText('A paragraph')
  expect(await content.evaluate((element) => element.textContent?.includes('\t'))).toBe(false)
})
