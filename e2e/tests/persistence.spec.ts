/** Scenario 3: edits survive a graceful server restart. */
import { createDocument } from '../support/documents'
import { documentHtml, editorContent, expectAllSaved, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

test('edit, stop the server gracefully, start it again, reload: the content is there', async ({
  newUser,
  startServer,
}) => {
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Persistence')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const editor = editorContent(ann)
  await editor.click()
  await ann.keyboard.type('Kept across restarts')
  await ann.getByTestId('toolbar-h1').click()
  await ann.keyboard.press('End')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('with a ')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('bold')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type(' word')
  await ann.getByTestId('document-title').fill('Survivor')
  await expectAllSaved(ann)
  const before = await documentHtml(ann)

  expect(await server.stop()).toBe(0)
  await expect(ann.getByTestId('connection-status')).not.toHaveAttribute('data-status', 'connected')
  // Closed before the restart: the tab must not re-send its copy when the server comes back.
  await ann.close()
  await server.start()

  const reopened = await ann.context().newPage()
  await openEditor(reopened, doc.editUrl)
  const after = editorContent(reopened)
  await expect(after.locator('h1')).toHaveText('Kept across restarts')
  await expect(after.locator('p')).toHaveText('with a bold word')
  await expect(after.locator('strong, b')).toHaveText('bold')
  await expect(reopened.getByTestId('document-title')).toHaveValue('Survivor')
  expect(await documentHtml(reopened)).toBe(before)
})
