// @vitest-environment node
/**
 * ImageUploads against a real HTTP server answering the list route: URLs for the hashes a document
 * shows, one request for many wants, retries bounded for a hash the server does not have, a fresh
 * list before the URLs expire, and the session's current token on every request.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { UploadListResponse } from '@tandem/shared'
import { afterEach, expect, it, vi } from 'vitest'
import { ImageUploads, MIN_REFRESH_INTERVAL_MS, REFRESH_BEFORE_EXPIRY_MS } from './ImageUploads'

const KNOWN = 'aa'.repeat(32)
const UNKNOWN = 'bb'.repeat(32)
const POLL = { timeout: 20_000, interval: 20 }

interface ListServer {
  httpBase: string
  requests: IncomingMessage[]
  /** Seconds from now until the URLs it hands out expire. */
  expiresInSeconds: number
  close(): Promise<void>
}

async function startListServer(): Promise<ListServer> {
  const requests: IncomingMessage[] = []
  const state = { expiresInSeconds: 3600 }
  const server = createServer((req, res) => {
    requests.push(req)
    const expiresAt = Math.floor(Date.now() / 1000) + state.expiresInSeconds
    const body: UploadListResponse = {
      uploads: [
        {
          hash: KNOWN,
          type: 'image/png',
          bytes: 10,
          url: `/uploads/doc1/${KNOWN}?expires=${expiresAt}&n=${requests.length}`,
        },
      ],
      expiresAt,
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    httpBase: `http://127.0.0.1:${port}`,
    requests,
    get expiresInSeconds() {
      return state.expiresInSeconds
    },
    set expiresInSeconds(value) {
      state.expiresInSeconds = value
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp() {
  const server = await startListServer()
  let token = 'token-1'
  const uploads = new ImageUploads({ httpBase: server.httpBase, room: 'doc1', getToken: () => token })
  cleanups.push(
    () => server.close(),
    () => uploads.destroy(),
  )
  return { server, uploads, setToken: (next: string) => (token = next) }
}

it('many wants share one request; the URL is absolute; the current token is sent', async () => {
  const { server, uploads, setToken } = await setUp()
  const changed = vi.fn()
  uploads.subscribe(changed)
  expect(uploads.sourceOf(KNOWN)).toBeUndefined()
  setToken('token-2')
  uploads.want(KNOWN)
  uploads.want(KNOWN)
  await vi.waitFor(
    () => expect(uploads.sourceOf(KNOWN)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/uploads\/doc1\//),
    POLL,
  )
  expect(server.requests).toHaveLength(1)
  expect(server.requests[0]!.url).toBe('/api/documents/doc1/uploads')
  expect(server.requests[0]!.headers.authorization).toBe('Bearer token-2')
  expect(changed).toHaveBeenCalled()
})

it('a hash the server does not have is asked for a bounded number of times, then shown as missing', async () => {
  const { server, uploads } = await setUp()
  uploads.want(UNKNOWN)
  await vi.waitFor(() => expect(uploads.sourceOf(UNKNOWN)).toBeNull(), POLL)
  const asked = server.requests.length
  expect(asked).toBe(3)
  // Spaced out, not a burst.
  await new Promise((resolve) => setTimeout(resolve, MIN_REFRESH_INTERVAL_MS + 500))
  expect(server.requests.length).toBe(asked)
}, 30_000)

it('asks for fresh URLs before the ones it holds expire', async () => {
  const { server, uploads } = await setUp()
  // URLs that expire one second after the refresh margin: the next list comes about 2 s later.
  server.expiresInSeconds = REFRESH_BEFORE_EXPIRY_MS / 1000 + 1
  uploads.want(KNOWN)
  await vi.waitFor(() => expect(uploads.sourceOf(KNOWN)).toContain('n=1'), POLL)
  await vi.waitFor(() => expect(uploads.sourceOf(KNOWN)).toContain('n=2'), POLL)
}, 30_000)
