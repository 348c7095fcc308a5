/** Scenario 1: two people co-edit text, bold, headings and lists, and end with the same document. */
import { createDocument } from '../support/documents'
import { editorContent, expectSameDocument, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

test('two users co-edit text, bold, a heading and a list, and end with identical documents', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Co-editing')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  // Ann: a heading from the toolbar, a paragraph with bold (Ctrl+B), a list from a Markdown shortcut.
  const annEditor = editorContent(ann)
  await annEditor.click()
  await ann.keyboard.type('Meeting notes')
  await ann.getByTestId('toolbar-h1').click()
  await expect(annEditor.locator('h1')).toHaveText('Meeting notes')
  await ann.keyboard.press('End')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('We agreed on ')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('three things')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('.')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('- design')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('build')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('ship')

  const benEditor = editorContent(ben)
  await expect(benEditor.locator('h1')).toHaveText('Meeting notes')
  await expect(benEditor.locator('p')).toHaveText('We agreed on three things.')
  await expect(benEditor.locator('strong, b')).toHaveText('three things')
  await expect(benEditor.locator('ul > li')).toHaveText(['design', 'build', 'ship'])

  // Ben: leaves the list, adds a second-level heading, bold text and a numbered list from the toolbar.
  await placeCaretAtEnd(benEditor.locator('ul > li').last())
  await ben.keyboard.press('Enter')
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('Next steps')
  await ben.getByTestId('toolbar-h2').click()
  await expect(benEditor.locator('h2')).toHaveText('Next steps')
  await placeCaretAtEnd(benEditor.locator('h2'))
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('Owner: ')
  await ben.getByTestId('toolbar-bold').click()
  await expect(ben.getByTestId('toolbar-bold')).toHaveAttribute('data-active', 'true')
  await ben.keyboard.type('Ben')
  await ben.keyboard.press('Enter')
  await ben.getByTestId('toolbar-bold').click()
  await expect(ben.getByTestId('toolbar-bold')).toHaveAttribute('data-active', 'false')
  await ben.getByTestId('toolbar-number').click()
  await expect(benEditor.locator('ol')).toHaveCount(1)
  await ben.keyboard.type('write the tests')

  await expect(annEditor.locator('h2')).toHaveText('Next steps')
  await expect(annEditor.locator('p').last()).toHaveText('Owner: Ben')
  await expect(annEditor.locator('strong, b').last()).toHaveText('Ben')
  await expect(annEditor.locator('ol > li')).toHaveText(['write the tests'])

  const html = await expectSameDocument(ann, ben)
  expect(html).toContain('Meeting notes')
  expect(html).toContain('write the tests')
})
