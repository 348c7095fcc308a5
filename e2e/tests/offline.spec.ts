/** Scenario 8: A goes offline, both type, A comes back: both converge and nothing is lost. */
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  expectSynced,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'

test('A goes offline, both type, A comes back: both converge with everything typed', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Offline')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  const annEditor = editorContent(ann)
  const benEditor = editorContent(ben)

  await annEditor.click()
  await ann.keyboard.type('Ann:')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Ben:')
  await expect(benEditor.locator('p')).toHaveText(['Ann:', 'Ben:'])
  await expectAllSaved(ann)

  await ann.context().setOffline(true)
  await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')

  await placeCaretAtEnd(annEditor.locator('p').first())
  await ann.keyboard.type(' written offline, ')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('bold')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('A new paragraph from the train.')
  await placeCaretAtEnd(benEditor.locator('p').last())
  await ben.keyboard.type(' typed while Ann was away.')

  const expected = [
    'Ann: written offline, bold',
    'A new paragraph from the train.',
    'Ben: typed while Ann was away.',
  ]
  await expect(annEditor.locator('p')).toHaveText([expected[0]!, expected[1]!, 'Ben:'])
  await expect(benEditor.locator('p')).toHaveText(['Ann:', expected[2]!])
  await expect(ann.getByTestId('saved-status')).not.toHaveAttribute('data-unsaved', '0')
  await expectAllSaved(ben)

  await ann.context().setOffline(false)
  await expectSynced(ann)
  await expect(annEditor.locator('p')).toHaveText(expected)
  await expect(benEditor.locator('p')).toHaveText(expected)
  await expect(benEditor.locator('strong, b')).toHaveText('bold')
  await expectAllSaved(ann)
  await expectSameDocument(ann, ben)
})
