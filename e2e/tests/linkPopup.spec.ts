/**
 * Issue 15, item 9: editors can follow, edit and remove links. A caret in a link shows its URL with
 * Open, Edit and Remove; Ctrl/Cmd+click opens it in a new tab that cannot reach back; the bubble is
 * reachable by keyboard and Escape closes it.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Types `text` on a new line and makes it a link to `url` with the toolbar's Ctrl+K. */
async function addLink(page: Page, text: string, url: string): Promise<void> {
  await page.keyboard.type(text)
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Control+K')
  await page.getByTestId('link-url-input').fill(url)
  await page.getByTestId('link-apply').click()
  await expect(editorContent(page).locator(`a[href="${url}"]`)).toHaveText(text)
}

/** Waits for the tab `action` opens and checks it shows `url` with no handle on this tab. */
async function expectOpensTab(page: Page, url: string, action: () => Promise<void>): Promise<void> {
  const opened = page.context().waitForEvent('page')
  await action()
  const tab = await opened
  await tab.waitForLoadState('load')
  expect(tab.url()).toBe(url)
  expect(await tab.evaluate(() => window.opener === null), 'noopener').toBe(true)
  await tab.close()
}

test('an editor sees a link’s URL, opens it (Ctrl+click, Open), edits and removes it', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Links to use')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  const firstUrl = `${tandem.baseUrl}/healthz`
  const content = editorContent(ann)
  await content.click()
  await addLink(ann, 'the status', firstUrl)
  await placeCaretAtEnd(content.locator('p').last())
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Plain text')
  const link = content.locator('a')
  const popup = ann.getByTestId('link-popup')
  await expect(popup).toHaveCount(0)

  // A plain click puts the caret in the link and shows its URL; nothing opens.
  await link.click()
  await expect(popup).toBeVisible()
  await expect(ann.getByTestId('link-popup-url')).toHaveText(firstUrl)
  await expect(content).toBeFocused()
  expect(ann.context().pages()).toHaveLength(1)

  // Ctrl+click (Cmd+click on a Mac) and the Open button open it in a new tab.
  await expectOpensTab(ann, firstUrl, () => link.click({ modifiers: ['ControlOrMeta'] }))
  await expectOpensTab(ann, firstUrl, () => ann.getByTestId('link-popup-open').click())

  // Leaving the link hides the bubble; Escape closes it while the caret stays in the link.
  await placeCaretAtEnd(content.locator('p').last())
  await expect(popup).toHaveCount(0)
  await link.click()
  await expect(popup).toBeVisible()
  await ann.keyboard.press('Escape')
  await expect(popup).toHaveCount(0)
  await expect(content).toBeFocused()

  // Edit: the new address reaches Ben.
  const secondUrl = `${tandem.baseUrl}/readyz`
  await placeCaretAtEnd(content.locator('p').last())
  await link.click()
  await ann.getByTestId('link-popup-edit').click()
  const input = popup.getByTestId('link-url-input')
  await expect(input).toHaveValue(firstUrl)
  await input.fill(secondUrl)
  await ann.keyboard.press('Enter')
  await expect(editorContent(ben).locator('a')).toHaveAttribute('href', secondUrl)
  await expect(ann.getByTestId('link-popup-url')).toHaveText(secondUrl)

  // Remove: the text stays, the link goes, for Ben too.
  await ann.getByTestId('link-popup-remove').click()
  await expect(editorContent(ben).locator('a')).toHaveCount(0)
  await expect(editorContent(ben).locator('p').first()).toHaveText('the status')
  await expect(popup).toHaveCount(0)
})

test('the link bubble is reachable by keyboard: Tab from a caret in the link, Enter opens, Escape returns', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Keyboard links')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const url = `${tandem.baseUrl}/healthz`
  const content = editorContent(ann)
  await content.click()
  await addLink(ann, 'status page', url)
  // The caret is in the link text (the selection collapsed to its end by the arrow key).
  await content.locator('a').click()
  await ann.keyboard.press('End')
  await ann.keyboard.press('ArrowLeft')
  await expect(ann.getByTestId('link-popup')).toBeVisible()

  await ann.keyboard.press('Tab')
  await expect(ann.getByTestId('link-popup-open')).toBeFocused()
  await expectOpensTab(ann, url, () => ann.keyboard.press('Enter'))
  await ann.keyboard.press('Escape')
  await expect(ann.getByTestId('link-popup')).toHaveCount(0)
  await expect(content).toBeFocused()
  // Alt+Enter opens the link from the text.
  await expectOpensTab(ann, url, () => ann.keyboard.press('Alt+Enter'))
  // Typing carries on where the caret was.
  await ann.keyboard.type('!')
  await expect(content.locator('a')).toHaveText('status pag!e')
})

test('a viewer follows a link by keyboard too', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Viewer links')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const url = `${tandem.baseUrl}/healthz`
  await editorContent(ann).click()
  await addLink(ann, 'status page', url)

  const cy = await newUser('Cy')
  await openEditor(cy, doc.viewUrl)
  const link = editorContent(cy).locator('a')
  await expect(link).toHaveText('status page')
  await link.focus()
  await expectOpensTab(cy, url, () => cy.keyboard.press('Enter'))
  await expect(cy.getByTestId('link-popup')).toHaveCount(0)
})
