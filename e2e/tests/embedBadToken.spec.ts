/**
 * Issue 15, item 13: an embed whose token the server refuses on the upgrade stops retrying and says
 * why, instead of "Reconnecting…" forever with edits piling up.
 */
import type { Page } from '@playwright/test'
import { createToken } from '@tandem/shared'
import { createDocument } from '../support/documents'
import { startEmbedHost } from '../support/embedHost'
import { expect, test } from '../support/fixtures'
import { E2E_SECRET } from '../support/tandemServer'

/** Well below the 40 s+ of retrying the issue saw: a probe after the first refused attempt. */
const STOP_DEADLINE_MS = 8_000

/** Counts WebSocket attempts the page makes from now on. */
function countSockets(page: Page): () => number {
  let sockets = 0
  page.on('websocket', () => {
    sockets++
  })
  return () => sockets
}

test('the script-tag embed stops at a token signed with the wrong secret', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Bad token')
  const forged = await createToken({
    secret: 'not-the-server-secret-but-32-bytes-long!',
    sub: 'eve',
    room: doc.id,
    role: 'editor',
  })
  const host = await startEmbedHost(tandem.baseUrl)
  try {
    const ann = await newUser('Ann')
    const sockets = countSockets(ann)
    const query = new URLSearchParams({
      room: doc.id,
      name: 'Ann',
      user: 'ann',
      token: forged,
      server: tandem.baseUrl,
    })
    await ann.goto(`${host.baseUrl}/?${query}`)
    await expect(ann.getByTestId('embed-status')).toHaveText('stopped', { timeout: STOP_DEADLINE_MS })
    const banner = ann.getByTestId('error-message')
    await expect(banner).toHaveAttribute('data-error-kind', 'refused')
    await expect(banner).toContainText('The access token was refused')
    await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'stopped')
    // One refused attempt was enough to know.
    expect(sockets()).toBeLessThanOrEqual(2)
  } finally {
    await host.stop()
  }
})

test('/embed/* stops at a token for another document', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Wrong room')
  const other = await createToken({
    secret: E2E_SECRET,
    sub: 'ann',
    room: 'some-other-room',
    role: 'editor',
  })
  const ann = await newUser('Ann')
  await ann.goto(`${tandem.baseUrl}/embed/${doc.id}?token=${other}`)
  const status = ann.getByTestId('connection-status')
  await expect(status).toHaveAttribute('data-status', 'stopped', { timeout: STOP_DEADLINE_MS })
  await expect(ann.getByTestId('error-message')).toHaveAttribute('data-error-kind', 'access-denied')
})
