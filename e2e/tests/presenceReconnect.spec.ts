/**
 * Issue 15, items 4 and 5: people stay visible across reconnects (a network blip, a server restart,
 * an embed's token refresh) and across a cancelled "Leave site?" prompt.
 */
import type { Locator, Page, TestInfo } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, expectSynced, openEditor } from '../support/editorPage'
import { startEmbedHost } from '../support/embedHost'
import { expect, test } from '../support/fixtures'

/** Peers must be back this soon after the socket reopened (issue: "within a second", plus polling). */
const REAPPEAR_DEADLINE_MS = 2_000
/** How long a measurement waits at most, so a failure reports how late the peer came back. */
const MEASURE_LIMIT_MS = 30_000

const otherPerson = (page: Page) => page.locator('[data-testid=presence-entry][data-self=false]')
const remoteCaret = (page: Page) => page.getByTestId('remote-caret')

/** Waits for `locator` to show `count` elements; records and asserts how long that took since `fromMs`. */
async function expectBackSoon(
  testInfo: TestInfo,
  label: string,
  locator: Locator,
  fromMs: number,
  count = 1,
): Promise<void> {
  // Polled every 100 ms: the default back-off (up to 1 s between checks) would inflate the figure.
  await expect.poll(() => locator.count(), { timeout: MEASURE_LIMIT_MS, intervals: [100] }).toBe(count)
  const elapsedMs = Date.now() - fromMs
  testInfo.annotations.push({ type: 'reappear-ms', description: `${label}: ${elapsedMs} ms` })
  expect(elapsedMs, `${label} reappeared after ${elapsedMs} ms`).toBeLessThanOrEqual(REAPPEAR_DEADLINE_MS)
}

/** Both people have a caret in the document, and each sees the other and the other's caret. */
async function meetInDocument(ann: Page, ben: Page): Promise<void> {
  await editorContent(ann).click()
  await ann.keyboard.type('Ann was here.')
  await expect(editorContent(ben)).toHaveText('Ann was here.')
  await editorContent(ben).click()
  await ben.keyboard.press('End')
  for (const page of [ann, ben]) {
    await expect(otherPerson(page)).toHaveCount(1)
    await expect(remoteCaret(page)).toHaveCount(1)
  }
}

test('after a 3 s network blip both people see each other again within a second or two', async ({
  tandem,
  newUser,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'Blip')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await meetInDocument(ann, ben)

  const status = ann.getByTestId('connection-status')
  await ann.context().setOffline(true)
  await expect(status).toHaveAttribute('data-status', 'offline')
  // The blip's length is the scenario, not a wait for something: 3 s, as in the issue.
  await ann.waitForTimeout(3_000)
  await ann.context().setOffline(false)
  await expect(status).toHaveAttribute('data-status', 'connected')
  const openedAt = Date.now()

  await expectBackSoon(testInfo, 'Ben in Ann’s list', otherPerson(ann), openedAt)
  await expectBackSoon(testInfo, 'Ben’s caret for Ann', remoteCaret(ann), openedAt)
  await expectBackSoon(testInfo, 'Ann in Ben’s list', otherPerson(ben), openedAt)
  await expectBackSoon(testInfo, 'Ann’s caret for Ben', remoteCaret(ben), openedAt)
})

test('after a server restart both people see each other again within a second or two', async ({
  startServer,
  newUser,
}, testInfo) => {
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Restart')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await meetInDocument(ann, ben)

  await server.stop()
  for (const page of [ann, ben]) {
    await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-status', 'connected')
  }
  await server.start()
  // Each reconnects after its own jittered delay; the later one's open is when both can meet.
  await expectSynced(ann, 30_000)
  await expectSynced(ben, 30_000)
  const bothOpenAt = Date.now()

  await expectBackSoon(testInfo, 'Ben in Ann’s list', otherPerson(ann), bothOpenAt)
  await expectBackSoon(testInfo, 'Ann in Ben’s list', otherPerson(ben), bothOpenAt)
  await expectBackSoon(testInfo, 'Ben’s caret for Ann', remoteCaret(ann), bothOpenAt)
  await expectBackSoon(testInfo, 'Ann’s caret for Ben', remoteCaret(ben), bothOpenAt)
})

test('a token refresh in the embed example does not hide the embedded person', async ({
  tandem,
  newUser,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'Embed refresh')
  // Tokens live 8 s: the server closes with 4401 and the embed fetches a fresh one from its host.
  const host = await startEmbedHost(tandem.baseUrl, { TOKEN_TTL: '8s' })
  try {
    const ann = await newUser('Ann')
    const query = new URLSearchParams({ room: doc.id, name: 'Ann Embed', user: 'host-user-ann' })
    await ann.goto(`${host.baseUrl}/?${query}`)
    const status = ann.getByTestId('embed-status')
    await expect(status).toHaveText('synced')
    const ben = await newUser('Ben')
    await openEditor(ben, doc.editUrl)
    await meetInDocument(ann, ben)
    // Records every status the host page shows, with when: the refresh is over in a blink.
    await status.evaluate((element) => {
      const log: { text: string; atMs: number }[] = []
      ;(window as unknown as { statusLog: typeof log }).statusLog = log
      new MutationObserver(() => log.push({ text: element.textContent ?? '', atMs: Date.now() })).observe(
        element,
        { childList: true, characterData: true, subtree: true },
      )
    })

    // The token expires, the server closes with 4401, and the embed reconnects with a fresh token.
    const isOpen = (entry: { text: string }) => entry.text === 'connected' || entry.text === 'synced'
    const readLog = () =>
      ann.evaluate(() => (window as unknown as { statusLog: { text: string; atMs: number }[] }).statusLog)
    await expect
      .poll(
        async () => {
          const log = await readLog()
          const left = log.findIndex((entry) => entry.text !== 'synced')
          return left >= 0 && log.slice(left).some(isOpen)
        },
        { timeout: 20_000 },
      )
      .toBe(true)
    const log = await readLog()
    const left = log.findIndex((entry) => entry.text !== 'synced')
    const reopenedAt = log.slice(left).find(isOpen)!.atMs

    await expectBackSoon(testInfo, 'Ann in Ben’s list', otherPerson(ben), reopenedAt)
    await expectBackSoon(testInfo, 'Ann’s caret for Ben', remoteCaret(ben), reopenedAt)
    await expectBackSoon(testInfo, 'Ben in Ann’s list', otherPerson(ann), reopenedAt)
  } finally {
    await host.stop()
  }
})

test('cancelling "Leave site?" while offline keeps you visible once back online', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Stay')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await meetInDocument(ann, ben)

  await ann.context().setOffline(true)
  await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await ann.keyboard.type(' Offline words.')
  await expect(ann.getByTestId('saved-status')).not.toHaveAttribute('data-unsaved', '0')

  // Reload; the unsaved changes bring up "Leave site?", and Ann stays.
  const dialogs: string[] = []
  ann.on('dialog', (dialog) => {
    dialogs.push(dialog.type())
    void dialog.dismiss()
  })
  await ann.evaluate(() => window.location.reload())
  await expect.poll(() => dialogs).toEqual(['beforeunload'])
  await expect(editorContent(ann)).toContainText('Offline words.')

  await ann.context().setOffline(false)
  await expectSynced(ann)
  await expect(editorContent(ben)).toContainText('Offline words.')
  await expect(otherPerson(ben)).toHaveAttribute('data-name', 'Ann', { timeout: 5_000 })
  await expect(remoteCaret(ben)).toHaveCount(1, { timeout: 5_000 })
})
