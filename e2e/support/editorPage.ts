/** What a test does with the editor page: open it, wait for sync, put the caret somewhere, read the document. */
import { expect, type Locator, type Page } from '@playwright/test'

/** The contenteditable. */
export const editorContent = (page: Page): Locator => page.getByTestId('editor-content')

/** Opens `url` and waits until the editor is connected and has finished its first sync. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await expectSynced(page)
}

/** Waits for the connection indicator to say "connected and synced". */
export async function expectSynced(page: Page, timeout?: number): Promise<void> {
  const status = page.getByTestId('connection-status')
  await expect(status).toHaveAttribute('data-status', 'connected', timeout ? { timeout } : {})
  await expect(status).toHaveAttribute('data-synced', 'true', timeout ? { timeout } : {})
}

/** Waits until the server has acknowledged every local change as stored. */
export async function expectAllSaved(page: Page, timeout?: number): Promise<void> {
  await expect(page.getByTestId('saved-status')).toHaveAttribute(
    'data-unsaved',
    '0',
    timeout ? { timeout } : {},
  )
}

/**
 * Clicks the end of a block (paragraph, heading, list item) and waits until the DOM caret sits after
 * its last character. Keyboard navigation (Control+End) can race Lexical's asynchronous selectionchange
 * handling, so tests click where they want to type instead (docs/embedding.md).
 */
export function placeCaretAtEnd(block: Locator): Promise<void> {
  return placeCaret(block, 'end')
}

/** Clicks the start of a block and waits until the DOM caret sits before its first character. */
export function placeCaretAtStart(block: Locator): Promise<void> {
  return placeCaret(block, 'start')
}

async function placeCaret(block: Locator, edge: 'start' | 'end'): Promise<void> {
  const box = await block.boundingBox()
  if (box === null) throw new Error('the block to type into is not visible')
  await block.click({ position: { x: edge === 'end' ? box.width - 2 : 1, y: box.height / 2 } })
  await expect
    .poll(() =>
      block.evaluate((element, atEnd) => {
        const selection = window.getSelection()
        if (selection === null || !selection.isCollapsed || selection.focusNode === null) return false
        if (!element.contains(selection.focusNode)) return false
        // Nothing of the block's text between the caret and the edge it should be at.
        const between = document.createRange()
        between.selectNodeContents(element)
        if (atEnd) between.setStart(selection.focusNode, selection.focusOffset)
        else between.setEnd(selection.focusNode, selection.focusOffset)
        return between.toString() === ''
      }, edge === 'end'),
    )
    .toBe(true)
}

/**
 * The editor's DOM with Lexical's per-editor bookkeeping removed, for comparing two users' documents:
 * equal strings mean the same blocks, text and formatting.
 */
export function documentHtml(page: Page): Promise<string> {
  return editorContent(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement
    // Lexical's block cursor: a placeholder it draws where this editor's own caret cannot be shown
    // (e.g. before a list at the start of the document), not content.
    for (const cursor of copy.querySelectorAll('[data-lexical-cursor]')) cursor.remove()
    for (const node of copy.querySelectorAll('*')) {
      for (const attribute of [...node.attributes]) {
        if (attribute.name.startsWith('data-lexical') || attribute.name === 'spellcheck') {
          node.removeAttribute(attribute.name)
        }
      }
    }
    return copy.innerHTML
  })
}

/** Polls until both pages show the same document, and returns it. */
export async function expectSameDocument(a: Page, b: Page, timeout?: number): Promise<string> {
  await expect
    .poll(async () => (await documentHtml(a)) === (await documentHtml(b)), timeout ? { timeout } : {})
    .toBe(true)
  return documentHtml(a)
}
