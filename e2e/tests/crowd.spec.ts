/**
 * Issue 17: a room of fifty. The presence list collapses into "+N" with a list of everyone, and the
 * editor stays responsive while everyone's presence keeps changing.
 */

import { createDocument } from '../support/documents'
import { editorContent, expectAllSaved, openEditor } from '../support/editorPage'
import { joinFakePeers } from '../support/fakePeers'
import { expect, test } from '../support/fixtures'
import { lexicalText, readRoom } from '../support/roomState'

const PEERS = 50

test('fifty people: avatars collapse into "+N", the list shows everyone, typing stays live', async ({
  tandem,
  newUser,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'All hands')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  // Each of the fifty changes their presence five times a second: 250 changes a second in all.
  const peers = await joinFakePeers(tandem.wsUrl, doc.id, PEERS, 200)
  try {
    const more = ann.getByTestId('presence-more')
    await expect(more).toBeVisible()
    const shown = await ann.getByTestId('presence-entry').count()
    expect(shown).toBeLessThanOrEqual(5)
    await expect(more).toHaveText(`+${PEERS + 1 - shown}`)

    await editorContent(ann).click()
    await ann.keyboard.type('Agenda for the all-hands')
    await expect(editorContent(ann)).toHaveText('Agenda for the all-hands')
    await expectAllSaved(ann)
    await expect
      .poll(async () => lexicalText(await readRoom(tandem.wsUrl, doc.id)))
      .toContain('Agenda for the all-hands')

    await more.click()
    const popover = ann.getByTestId('presence-popover')
    await expect(popover).toBeVisible()
    await expect(popover.getByTestId('presence-popover-entry')).toHaveCount(PEERS + 1)
    await expect(popover).toContainText('Ann (you)')
    await expect(popover).toContainText(peers.names[PEERS - 1]!)
    await expect(popover.getByText('viewing').first()).toBeVisible()
    await ann.screenshot({ path: testInfo.outputPath('crowd.png') })
    await ann.keyboard.press('Escape')
    await expect(popover).toBeHidden()
    await expect(more).toBeFocused()
  } finally {
    peers.close()
  }
  // When they leave, the list is back to one.
  await expect(ann.getByTestId('presence-more')).toBeHidden()
  await expect(ann.getByTestId('presence-entry')).toHaveCount(1)
})
