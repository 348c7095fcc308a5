/**
 * Scenario 4: SIGKILL the server while someone types. Everything a peer had been shown was durable
 * (the server shows nothing before it is stored), and both pages come back without a reload.
 */
import { createDocument } from '../support/documents'
import { editorContent, expectSameDocument, expectSynced, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { lexicalText, readRoom } from '../support/roomState'

const TYPED = 'Every keystroke counts, even through a crash. '.repeat(8).trim()
const KEY_DELAY_MS = 25
/** Reconnect backoff grows to 10 s while the server is down; allow a couple of full windows. */
const RECONNECT_DEADLINE_MS = 30_000

test('SIGKILL while A types: pages reconnect on their own and nothing B saw is lost', async ({
  newUser,
  startServer,
}) => {
  test.setTimeout(120_000)
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Crash')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  // Survives only if the page is never reloaded.
  for (const page of [ann, ben]) await page.evaluate(() => Object.assign(window, { e2eSamePage: true }))

  await editorContent(ann).click()
  const typing = editorContent(ann).pressSequentially(TYPED, { delay: KEY_DELAY_MS })
  // Awaited below; this only keeps an early failure from surfacing as an unhandled rejection too.
  typing.catch(() => undefined)
  await expect.poll(async () => (await editorContent(ben).textContent())?.length ?? 0).toBeGreaterThan(40)

  await server.kill()
  await expect(ben.getByTestId('connection-status')).not.toHaveAttribute('data-status', 'connected')
  // The server is gone: whatever Ben displays now, the server had sent before it died.
  const shownToBen = (await editorContent(ben).textContent()) ?? ''
  expect(shownToBen.length).toBeGreaterThan(40)
  expect(TYPED.startsWith(shownToBen)).toBe(true)

  // Look at what was stored before either page can re-send anything: a second server on the same
  // data directory but another port, which the pages do not know about.
  const inspector = await startServer({ dataDir: server.dataDir })
  expect(lexicalText(await readRoom(inspector.wsUrl, doc.id))).toContain(shownToBen)
  expect(await inspector.stop()).toBe(0)

  await server.start()
  await expectSynced(ann, RECONNECT_DEADLINE_MS)
  await expectSynced(ben, RECONNECT_DEADLINE_MS)
  await typing
  await expect(editorContent(ann)).toHaveText(TYPED)
  await expect(editorContent(ben)).toHaveText(TYPED)
  await expectSameDocument(ann, ben)
  for (const page of [ann, ben]) {
    expect(await page.evaluate(() => (window as { e2eSamePage?: boolean }).e2eSamePage)).toBe(true)
  }
  expect(lexicalText(await readRoom(server.wsUrl, doc.id))).toBe(TYPED)
})
