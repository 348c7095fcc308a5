/**
 * Issue 18, "Tools": find and replace, word count and outline, with two people. Replace all while a
 * collaborator types converges and is one undo step of the replacer's own; highlights never reach the
 * other person; the outline follows a collaborator's headings and scrolls to them; viewers find but
 * cannot replace. Screenshots in light, dark and at 390 px are attached to the report.
 */
import type { Page, TestInfo } from '@playwright/test'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Wide enough for the outline beside the paper. */
const WIDE = { width: 1440, height: 800 }

// Each test does a lot with two browsers (the CI budget favours few, thorough tests): room for a loaded machine.
test.slow()

const paragraphs = (page: Page) => editorContent(page).locator('p')
const findBar = (page: Page) => page.getByTestId('find-bar')
const findCount = (page: Page) => page.getByTestId('find-count')
const wordCount = (page: Page) => page.getByTestId('word-count')

/** How many ranges this page's find highlights hold: [all matches, current]. */
const highlightSizes = (page: Page) =>
  page.evaluate(() => [
    CSS.highlights.get('tandem-find-match')?.size ?? 0,
    CSS.highlights.get('tandem-find-current')?.size ?? 0,
  ])

/** Whether the current match is on screen, below the sticky toolbar and find bar. */
const currentMatchVisible = (page: Page) =>
  page.evaluate(() => {
    const [range] = [...(CSS.highlights.get('tandem-find-current') ?? [])] as Range[]
    const chrome = document.querySelector('.tandem-editor-chrome')?.getBoundingClientRect()
    if (range === undefined || chrome === undefined) return false
    const rect = range.getBoundingClientRect()
    return rect.top >= chrome.bottom && rect.bottom <= window.innerHeight
  })

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

test('replace all while a collaborator types: both converge, one undo reverts only it, counts follow', async ({
  tandem,
  newUser,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'Find and replace')
  const ann = await newUser('Ann', { viewport: WIDE })
  const ben = await newUser('Ben', { viewport: WIDE })
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('The cat sat')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('A cat ran, cats ran')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Ben:')
  await expect(paragraphs(ben)).toHaveText(['The cat sat', 'A cat ran, cats ran', 'Ben:'])
  await expect(wordCount(ben)).toHaveText('Document: 9 words · 34 characters · 1 min read')

  // Ctrl+F opens the editor's find, focused; whole words leave "cats" alone.
  await ann.keyboard.press('Control+f')
  await expect(findBar(ann)).toBeVisible()
  await expect(ann.getByTestId('find-input')).toBeFocused()
  await ann.keyboard.type('cat')
  await expect(findCount(ann)).toHaveText('1 of 3')
  await ann.getByTestId('find-whole-word').click()
  await expect(findCount(ann)).toHaveText('1 of 2')
  await expect.poll(() => highlightSizes(ann)).toEqual([2, 1])
  await ann.getByTestId('find-input').press('Enter')
  await expect(findCount(ann)).toHaveText('2 of 2')
  await ann.getByTestId('find-input').press('Shift+Enter')
  await expect(findCount(ann)).toHaveText('1 of 2')
  await ann.keyboard.press('F3')
  await expect(findCount(ann)).toHaveText('2 of 2')
  // Highlights are local: nothing reaches Ben, in his page or in the document.
  expect(await highlightSizes(ben)).toEqual([0, 0])
  await expectSameDocument(ann, ben)

  await ann.getByTestId('find-toggle-replace').click()
  await ann.getByTestId('replace-input').fill('dog')
  await screenshot(ann, testInfo, 'find-replace-light')

  // Ben types into the last line while Ann replaces all.
  await placeCaretAtEnd(paragraphs(ben).nth(2))
  const benTyping = ben.keyboard.type(' here too', { delay: 40 })
  await ann.getByTestId('replace-all').click()
  await benTyping
  const replaced = ['The dog sat', 'A dog ran, cats ran', 'Ben: here too']
  await expect(paragraphs(ann)).toHaveText(replaced)
  await expect(paragraphs(ben)).toHaveText(replaced)
  await expect(findCount(ann)).toHaveText('Replaced 2 matches')
  await expect(wordCount(ann)).toHaveText('Document: 11 words · 43 characters · 1 min read')
  await expect(wordCount(ben)).toHaveText('Document: 11 words · 43 characters · 1 min read')

  // Escape closes and gives the document its focus back; the highlights go.
  await ann.keyboard.press('Escape')
  await expect(findBar(ann)).toBeHidden()
  await expect(editorContent(ann)).toBeFocused()
  expect(await highlightSizes(ann)).toEqual([0, 0])

  // One undo reverts the whole replacement and nothing of Ben's.
  await ann.keyboard.press('Control+z')
  const reverted = ['The cat sat', 'A cat ran, cats ran', 'Ben: here too']
  await expect(paragraphs(ann)).toHaveText(reverted)
  await expect(paragraphs(ben)).toHaveText(reverted)
  await expectAllSaved(ann)
  await expectAllSaved(ben)
  await expectSameDocument(ann, ben)

  // A selection counts on its own, out of the document's total.
  await editorContent(ann).press('Control+a')
  await expect(wordCount(ann)).toHaveText('Selection: 11 of 11 words · 43 of 43 characters')
})

test('the outline follows a collaborator’s headings and scrolls; a viewer finds but cannot replace', async ({
  tandem,
  newUser,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'Outline')
  const ann = await newUser('Ann', { viewport: WIDE })
  const viewer = await newUser('Vera', { viewport: WIDE })
  await openEditor(ann, doc.editUrl)
  await openEditor(viewer, doc.viewUrl)
  const outline = viewer.getByTestId('outline-item')

  // Long sections, so the last heading is far below the fold.
  const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(40)
  await editorContent(ann).click()
  for (const heading of ['# Intro', '## Details', '## Summary']) {
    await ann.keyboard.type(heading)
    await ann.keyboard.press('Enter')
    await ann.keyboard.insertText(filler)
    await ann.keyboard.press('Enter')
  }
  await expect(outline).toHaveText(['Intro', 'Details', 'Summary'])
  await expect(outline.first()).toHaveAttribute('aria-current', 'location')

  // Ann renames a heading; the viewer's outline follows.
  await placeCaretAtEnd(editorContent(ann).locator('h2').first())
  await ann.keyboard.type(' and risks')
  await expect(outline).toHaveText(['Intro', 'Details and risks', 'Summary'])

  // Clicking an entry scrolls its heading into view and marks it current.
  const summary = editorContent(viewer).locator('h2', { hasText: 'Summary' })
  await expect(summary).not.toBeInViewport()
  await outline.nth(2).click()
  await expect(summary).toBeInViewport()
  await expect(outline.nth(2)).toHaveAttribute('aria-current', 'location')
  await expect(outline.first()).not.toHaveAttribute('aria-current', 'location')

  // The viewer finds (Ctrl+F anywhere on the app's page) but has nothing to replace with.
  await viewer.keyboard.press('Control+f')
  await expect(findBar(viewer)).toBeVisible()
  await expect(viewer.getByTestId('find-toggle-replace')).toHaveCount(0)
  await viewer.keyboard.type('risks')
  await expect(findCount(viewer)).toHaveText('1 of 1')
  await expect.poll(() => highlightSizes(viewer)).toEqual([1, 1])
  await screenshot(viewer, testInfo, 'outline-find-viewer-light')

  // Dark, then a phone: the outline makes room for the text there.
  await ann.emulateMedia({ colorScheme: 'dark' })
  await ann.keyboard.press('Control+f')
  await ann.keyboard.type('ipsum')
  await expect(findCount(ann)).toHaveText('1 of 120')
  // Stepping back from the first match goes to the last, far below: it is scrolled into view.
  await ann.keyboard.press('Shift+Enter')
  await expect(findCount(ann)).toHaveText('120 of 120')
  await expect.poll(() => currentMatchVisible(ann)).toBe(true)
  await screenshot(ann, testInfo, 'outline-find-dark')
  await ann.setViewportSize({ width: 390, height: 760 })
  await expect(ann.getByTestId('outline')).toBeHidden()
  await ann.getByTestId('find-toggle-replace').click()
  await screenshot(ann, testInfo, 'find-replace-390-dark')
  await ann.emulateMedia({ colorScheme: 'light' })
  await screenshot(ann, testInfo, 'find-replace-390-light')

  // Too narrow for the margin (a phone, a laptop beside the comments): the outline is a drawer,
  // opened from the actions menu; jumping to a heading closes it.
  const drawer = ann.getByTestId('outline')
  const menuButton = ann.getByTestId('document-menu-button')
  await menuButton.click()
  await ann.getByTestId('show-outline').click()
  await expect(drawer).toBeVisible()
  await expect(ann.getByTestId('outline-close')).toBeFocused()
  await screenshot(ann, testInfo, 'outline-drawer-390-light')
  const intro = editorContent(ann).locator('h1')
  await expect(intro).not.toBeInViewport()
  await ann.getByTestId('outline-item').first().click()
  await expect(drawer).toBeHidden()
  await expect(intro).toBeInViewport()
  // Escape closes it too, and the menu button has the focus back.
  await ann.setViewportSize({ width: 1280, height: 800 })
  await ann.emulateMedia({ colorScheme: 'dark' })
  await menuButton.click()
  await ann.getByTestId('show-outline').click()
  await expect(drawer).toBeVisible()
  await screenshot(ann, testInfo, 'outline-drawer-1280-dark')
  await ann.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(menuButton).toBeFocused()
  // With room in the margin the outline stays there, and the menu has no entry for it.
  await ann.setViewportSize(WIDE)
  await expect(drawer).toBeVisible()
  await menuButton.click()
  await expect(ann.getByTestId('export-markdown')).toBeVisible()
  await expect(ann.getByTestId('show-outline')).toHaveCount(0)
})
