/** Scenario 9: undo is per person: A's undo takes back A's last change and leaves B's alone. */
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'

test('A’s undo removes A’s last change and not B’s, even when B edited last', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Undo')
  // A third person writes the starting text, so neither A nor B has anything else to undo: each of
  // their changes below is one input event, so one undo step however slowly the machine types.
  const cy = await newUser('Cy')
  await openEditor(cy, doc.editUrl)
  await editorContent(cy).click()
  await cy.keyboard.type('First line')
  await cy.keyboard.press('Enter')
  await cy.keyboard.type('Second line')
  await expectAllSaved(cy)
  await cy.close()

  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  const annEditor = editorContent(ann)
  const benEditor = editorContent(ben)
  await expect(annEditor.locator('p')).toHaveText(['First line', 'Second line'])

  await placeCaretAtEnd(annEditor.locator('p').first())
  await ann.keyboard.insertText(', Ann chimes in')
  await expect(benEditor.locator('p')).toHaveText(['First line, Ann chimes in', 'Second line'])
  // Ben edits after Ann: the most recent change in the document is his.
  await placeCaretAtEnd(benEditor.locator('p').last())
  await ben.keyboard.insertText(' by Ben')
  const bothEdits = ['First line, Ann chimes in', 'Second line by Ben']
  await expect(annEditor.locator('p')).toHaveText(bothEdits)

  await expect(ann.getByTestId('toolbar-undo')).toBeEnabled()
  await ann.getByTestId('toolbar-undo').click()
  await expect(annEditor.locator('p')).toHaveText(['First line', 'Second line by Ben'])
  await expect(benEditor.locator('p')).toHaveText(['First line', 'Second line by Ben'])
  await expect(ann.getByTestId('toolbar-undo')).toBeDisabled()

  // Ann's redo brings her words back; Ben's own undo (keyboard) takes back only his.
  await ann.getByTestId('toolbar-redo').click()
  await expect(benEditor.locator('p')).toHaveText(bothEdits)
  await ben.keyboard.press('Control+Z')
  await expect(annEditor.locator('p')).toHaveText(['First line, Ann chimes in', 'Second line'])
  await expect(ben.getByTestId('toolbar-undo')).toBeDisabled()
  await expectSameDocument(ann, ben)
})
