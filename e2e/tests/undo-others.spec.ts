/**
 * Issue 15, item 1: undo reverses only your own changes. A paragraph Ann created that Ben then wrote
 * into survives Ann's undo of its creation, with Ben's text; Ann's redo brings back what her undo took.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
  placeCaretAtStart,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'

const BEN_LINE = 'Bob wrote this line.'

const paragraphs = (page: Page) => editorContent(page).locator('p')

/**
 * Ends the current undo step, so the next change is undone on its own whatever the machine's speed
 * (edits within 500 ms of each other form one step). Lexical publishes the collaboration UndoManager
 * on the editor for this.
 */
async function endUndoStep(page: Page): Promise<void> {
  await editorContent(page).evaluate((element) => {
    type UndoManagerLike = { stopCapturing(): void }
    const editor = (
      element as HTMLElement & { __lexicalEditor?: Record<symbol, UndoManagerLike | undefined> }
    ).__lexicalEditor
    const undoManager = editor?.[Symbol.for('@lexical/yjs/UndoManager')]
    if (undoManager === undefined) throw new Error('no collaboration UndoManager on the editor')
    undoManager.stopCapturing()
  })
}

/** Presses Ctrl+Z (or Ctrl+Y) until the toolbar says there is nothing left to undo (redo). */
async function pressUntilDisabled(page: Page, key: 'Control+z' | 'Control+y'): Promise<void> {
  const button = page.getByTestId(key === 'Control+z' ? 'toolbar-undo' : 'toolbar-redo')
  for (let presses = 0; presses < 20 && (await button.isEnabled()); presses++) {
    await page.keyboard.press(key)
  }
  await expect(button).toBeDisabled()
}

test('undoing the creation of a paragraph someone else wrote into keeps their text', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Undo keeps others')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('Agenda')
  await ann.keyboard.press('Enter')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Notes')
  await expect(paragraphs(ben)).toHaveText(['Agenda', '', 'Notes'])

  // Ben writes into the empty middle paragraph, which Ann created.
  await paragraphs(ben).nth(1).click()
  await ben.keyboard.type(BEN_LINE)
  await expect(paragraphs(ann)).toHaveText(['Agenda', BEN_LINE, 'Notes'])

  await ann.keyboard.press('Control+z')
  await expect(editorContent(ann)).toContainText(BEN_LINE)
  await expect(editorContent(ben)).toContainText(BEN_LINE)

  // All the way back: Ann's words go, Ben's line stays, on both sides.
  await pressUntilDisabled(ann, 'Control+z')
  await expect(paragraphs(ann)).toHaveText([BEN_LINE])
  await expect(paragraphs(ben)).toHaveText([BEN_LINE])

  // Redo restores what the undo took, around Ben's line.
  await pressUntilDisabled(ann, 'Control+y')
  await expect(paragraphs(ann)).toHaveText(['Agenda', BEN_LINE, 'Notes'])
  await expect(paragraphs(ben)).toHaveText(['Agenda', BEN_LINE, 'Notes'])
  await expectAllSaved(ann)
  await expectAllSaved(ben)
  await expectSameDocument(ann, ben)
})

test('undoing a select-all delete, then the typing before it, keeps what someone typed in between', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Undo after select all')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('First line')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Second line')
  await expect(paragraphs(ben)).toHaveText(['First line', 'Second line'])
  await endUndoStep(ann)
  await ann.keyboard.press('Control+a')
  await ann.keyboard.press('Backspace')
  await expect(paragraphs(ben)).toHaveText([''])

  // Ben types into the paragraph that is left, which Ann created.
  await paragraphs(ben).first().click()
  await ben.keyboard.type(BEN_LINE)
  await expect(paragraphs(ann)).toHaveText([BEN_LINE])

  await ann.keyboard.press('Control+z')
  for (const page of [ann, ben]) {
    await expect(editorContent(page)).toContainText('First line')
    await expect(editorContent(page)).toContainText(BEN_LINE)
  }
  await pressUntilDisabled(ann, 'Control+z')
  await expect(paragraphs(ann)).toHaveText([BEN_LINE])
  await expect(paragraphs(ben)).toHaveText([BEN_LINE])

  // Redo replays Ann's typing and her deletion; Ben's line stays through both.
  await pressUntilDisabled(ann, 'Control+y')
  await expect(paragraphs(ann)).toHaveText([BEN_LINE])
  await expect(paragraphs(ben)).toHaveText([BEN_LINE])
  await expectAllSaved(ann)
  await expectAllSaved(ben)
  await expectSameDocument(ann, ben)
})

test('undoing a paragraph merge leaves the text someone typed after it in the second paragraph', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Undo a merge')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('First')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Second')
  await expect(paragraphs(ben)).toHaveText(['First', 'Second'])
  await endUndoStep(ann)
  // Ann merges the paragraphs: Backspace at the start of "Second".
  await placeCaretAtStart(paragraphs(ann).nth(1))
  await ann.keyboard.press('Backspace')
  await expect(paragraphs(ben)).toHaveText(['FirstSecond'])

  await placeCaretAtEnd(paragraphs(ben).first())
  await ben.keyboard.type(' plus Ben')
  await expect(paragraphs(ann)).toHaveText(['FirstSecond plus Ben'])

  // One undo takes back Ann's merge only: Ben's words stay after "Second", where he typed them.
  await ann.keyboard.press('Control+z')
  for (const page of [ann, ben]) await expect(paragraphs(page)).toHaveText(['First', 'Second plus Ben'])
  await expectAllSaved(ann)
  const fresh = await newUser('Cy')
  await openEditor(fresh, doc.editUrl)
  await expect(paragraphs(fresh)).toHaveText(['First', 'Second plus Ben'])

  // Redo merges again without losing Ben's words.
  await ann.keyboard.press('Control+y')
  for (const page of [ann, ben, fresh]) await expect(paragraphs(page)).toHaveText(['FirstSecond plus Ben'])
  await expectAllSaved(ann)
  await expectAllSaved(ben)
  await expectSameDocument(ann, ben)
  await expectSameDocument(ann, fresh)
})
