/** Scenario 2: presence list and labelled remote carets; a closed tab leaves within seconds. */
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/**
 * Far below the 30 s awareness timeout: only the tab announcing its departure, or the server
 * dropping the presence its socket owned, can meet it.
 */
const LEAVE_DEADLINE_MS = 8_000

test('B sees A in the presence list and A’s labelled caret; A leaves when the tab closes', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Presence')
  const ann = await newUser('Ann Lee')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  const benPresence = ben.getByTestId('presence-entry')
  await expect(benPresence).toHaveCount(2)
  await expect(ben.locator('[data-testid=presence-entry][data-self=true]')).toHaveAttribute(
    'data-name',
    'Ben',
  )
  const annEntry = ben.locator('[data-testid=presence-entry][data-self=false]')
  await expect(annEntry).toHaveAttribute('data-name', 'Ann Lee')
  await expect(annEntry).toContainText('AL')
  // Ann sees the same two people from her side.
  await expect(ann.getByTestId('presence-entry')).toHaveCount(2)
  await expect(ann.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
    'data-name',
    'Ben',
  )

  // A caret appears once Ann has a selection in the document, where her text ends.
  await editorContent(ann).click()
  await ann.keyboard.type('Hello from Ann')
  await expect(editorContent(ben)).toHaveText('Hello from Ann')
  const caret = ben.getByTestId('remote-caret')
  await expect(caret).toHaveCount(1)
  await expect(caret).toBeVisible()
  await expect(ben.getByTestId('remote-caret-label')).toHaveText('Ann Lee')
  const text = (await editorContent(ben).locator('p span').boundingBox())!
  const caretBox = (await caret.boundingBox())!
  expect(caretBox.y + caretBox.height / 2).toBeGreaterThan(text.y)
  expect(caretBox.y + caretBox.height / 2).toBeLessThan(text.y + text.height)
  expect(Math.abs(caretBox.x - (text.x + text.width))).toBeLessThan(6)

  // Ann closes the tab with the editor focused: Lexical's pagehide handler clears her presence and
  // its blur handler sets it again for the same client id, which must still leave with her socket.
  await ann.close()
  await expect(annEntry).toHaveCount(0, { timeout: LEAVE_DEADLINE_MS })
  await expect(benPresence).toHaveCount(1)
  await expect(ben.getByTestId('remote-caret')).toHaveCount(0)
})
