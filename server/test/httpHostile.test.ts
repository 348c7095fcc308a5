/** Hostile HTTP and upgrade requests: bad room names, bad bodies, wrong methods and headers, stalled clients. */
import net from 'node:net'
import { HTTP_STATUS } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import { MAX_CONTENT_BODY_BYTES } from '../src/api/readContentBody'
import { rawUpgrade } from './helpers/clients'
import { formatRequest, sendRaw, upgradeHeaders } from './helpers/rawHttp'
import { startNode, startServer, type TestServer } from './helpers/startServer'

const POLL = { timeout: 10_000, interval: 20 }

function openConnections(test: TestServer): Promise<number> {
  return new Promise((resolve, reject) =>
    test.server.httpServer.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  )
}

function expectNothingLeft(test: TestServer): Promise<void> {
  return vi.waitFor(async () => {
    expect(test.server.rooms.size).toBe(0)
    expect(test.server.connections.size).toBe(0)
    expect(test.server.connectionLimits.roomCount).toBe(0)
    expect(await openConnections(test)).toBe(0)
  }, POLL)
}

describe('room names on the upgrade', () => {
  it('refuses every invalid name with 404 before a socket or room exists', async () => {
    const test = await startServer()
    const bad = [
      '/ws/',
      '/ws/.',
      '/ws/..',
      '/ws/../etc/passwd',
      '/ws/..%2F..%2Fetc%2Fpasswd',
      '/ws/%2e%2e',
      '/ws/a/b',
      `/ws/${'a'.repeat(129)}`,
      `/ws/${'a'.repeat(10 * 1024)}`,
      '/ws/%E6%96%87%E6%9B%B8',
      '/ws/caf%C3%A9',
      "/ws/x'%3BDROP%20TABLE%20updates%3B--",
      '/ws/x%22%20OR%201%3D1',
      '/ws/%00',
      '/ws/a%20b',
      '/ws/%ZZ',
      '/ws',
      '/wsx/room',
      '/api/documents',
    ]
    for (const path of bad)
      expect((await rawUpgrade(test.port, path)).status, path).toBe(HTTP_STATUS.NOT_FOUND)
    // Raw non-ASCII bytes in the request line never reach our code: Node's parser refuses them.
    const raw = await sendRaw(
      test.port,
      Buffer.from('GET /ws/dokument\u00e4 HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'),
    )
    expect(raw.status).toBe(HTTP_STATUS.BAD_REQUEST)
    expect((await rawUpgrade(test.port, `/ws/${'a'.repeat(128)}`)).status, 'the longest valid name').toBe(101)
    await expectNothingLeft(test)
  })
})

describe('upgrade headers', () => {
  it('refuses handshakes with missing, duplicated or wrong headers, and creates no room', async () => {
    const test = await startServer()
    const base = upgradeHeaders()
    const without = (name: string) => base.filter(([header]) => header !== name)
    const replace = (name: string, value: string) =>
      base.map(([header, old]): [string, string] => [header, header === name ? value : old])
    const cases: Array<[string, Array<[string, string]>, number]> = [
      ['two Sec-WebSocket-Key headers', [...base, ['Sec-WebSocket-Key', 'AAAAAAAAAAAAAAAAAAAAAA==']], 400],
      ['no Sec-WebSocket-Key', without('Sec-WebSocket-Key'), 400],
      ['a malformed Sec-WebSocket-Key', replace('Sec-WebSocket-Key', 'short'), 400],
      ['an unknown version', replace('Sec-WebSocket-Version', '12'), 400],
      ['no version', without('Sec-WebSocket-Version'), 400],
      ['Upgrade: h2c', replace('Upgrade', 'h2c'), 400],
      ['two Upgrade headers', [...base, ['Upgrade', 'websocket']], 400],
      ['a malformed subprotocol list', [...base, ['Sec-WebSocket-Protocol', 'a,,b']], 400],
      // Without Upgrade or Connection it is a plain GET of a WebSocket path: the upgrade probe, which
      // says an upgrade is required (no token checks here) and opens nothing.
      ['no Upgrade header', without('Upgrade'), HTTP_STATUS.UPGRADE_REQUIRED],
      ['no Connection header', without('Connection'), HTTP_STATUS.UPGRADE_REQUIRED],
      // Node keeps the first Host and drops the rest; nothing in Tandem reads Host.
      ['two Host headers', [...base, ['Host', 'evil.example']], 101],
      ['16 KiB of headers', [...base, ['X-Padding', 'p'.repeat(17 * 1024)]], 431],
    ]
    for (const [name, headers, status] of cases) {
      const response = await sendRaw(test.port, formatRequest('GET', '/ws/headers', headers), {
        untilHeaders: true,
      })
      expect(response.status, name).toBe(status)
    }
    const post = await sendRaw(test.port, formatRequest('POST', '/ws/headers', base), { untilHeaders: true })
    expect(post.status, 'an upgrade must be a GET').toBe(HTTP_STATUS.METHOD_NOT_ALLOWED)
    const garbage = await sendRaw(test.port, 'HELLO THERE\r\n\r\n')
    expect(garbage.status).toBe(HTTP_STATUS.BAD_REQUEST)
    await expectNothingLeft(test)
    expect((await rawUpgrade(test.port, '/ws/headers')).status, 'a correct handshake still works').toBe(101)
  })
})

describe('API bodies and methods', () => {
  it('answers malformed, oversized and mistyped bodies and wrong methods with documented statuses', async () => {
    const test = await startNode({ storage: 'memory', secret: 'http-hostile-secret' })
    const json = (body: string | Buffer, extra: Array<[string, string]> = [], path = '/api/documents') =>
      formatRequest(
        'POST',
        path,
        [
          ['Host', 'x'],
          ['Connection', 'close'],
          ['Content-Type', 'application/json'],
          ['Content-Length', String(Buffer.byteLength(body))],
          ...extra,
        ],
        body.toString(),
      )
    const cases: Array<[string, string, number]> = [
      ['truncated JSON', json('{"title": '), 400],
      ['a JSON array', json('[1,2,3]'), 400],
      ['a JSON string', json('"hello"'), 400],
      ['deeply nested arrays', json(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400],
      ['a title that is an object', json('{"title": {"$gt": ""}}'), 400],
      ['a 10 KB title', json(JSON.stringify({ title: 't'.repeat(10_000) })), 400],
      // Routes without content keep the small JSON limit (documents take content: MAX_CONTENT_BODY_BYTES).
      [
        '20 KB of JSON',
        json(JSON.stringify({ documentId: 'x', pad: 'p'.repeat(20_000) }), [], '/api/token'),
        413,
      ],
      [
        'text/plain',
        formatRequest(
          'POST',
          '/api/documents',
          [
            ['Host', 'x'],
            ['Connection', 'close'],
            ['Content-Type', 'text/plain'],
            ['Content-Length', '2'],
          ],
          '{}',
        ),
        415,
      ],
      [
        'PUT on a POST route',
        formatRequest('PUT', '/api/documents', [
          ['Host', 'x'],
          ['Connection', 'close'],
        ]),
        405,
      ],
      [
        'DELETE on a GET route',
        formatRequest('DELETE', '/api/documents/abc/keys', [
          ['Host', 'x'],
          ['Connection', 'close'],
        ]),
        405,
      ],
      [
        'an invalid document id',
        formatRequest('GET', '/api/documents/..%2F..', [
          ['Host', 'x'],
          ['Connection', 'close'],
        ]),
        404,
      ],
      [
        'a 10 KB document id',
        formatRequest('GET', `/api/documents/${'d'.repeat(10 * 1024)}`, [
          ['Host', 'x'],
          ['Connection', 'close'],
        ]),
        404,
      ],
    ]
    for (const [name, request, status] of cases) {
      const response = await sendRaw(test.port, request)
      expect(response.status, name).toBe(status)
      if (status === 405) expect(response.text, name).toMatch(/Allow: /i)
      if (status >= 400) expect(response.text, name).toMatch(/"error":\{"code":"[a-z_]+"/)
    }
    // Invalid UTF-8 in a JSON body.
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"title":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ])
    const head = `POST /api/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${invalidUtf8.byteLength}\r\n\r\n`
    expect((await sendRaw(test.port, Buffer.concat([Buffer.from(head), invalidUtf8]))).status).toBe(400)
    // A 2 MB body: refused from its Content-Length, and the connection is closed, not drained.
    const big = await sendRaw(test.port, json('x'.repeat(2 * 1024 * 1024)))
    expect(big.status).toBe(HTTP_STATUS.PAYLOAD_TOO_LARGE)
    // A chunked body that never says how long it is, running past the limit.
    const chunk = 'y'.repeat(8000)
    const chunked =
      'POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
      `${(8000).toString(16)}\r\n${chunk}\r\n`.repeat(Math.ceil(MAX_CONTENT_BODY_BYTES / 8000) + 1)
    expect((await sendRaw(test.port, chunked)).status).toBe(HTTP_STATUS.PAYLOAD_TOO_LARGE)
    expect(test.server.rooms.size).toBe(0)
    const health = await fetch(`${test.httpUrl}/healthz`)
    expect(health.status).toBe(200)
  })
})

describe('stalled clients', () => {
  it('times out upgrades and requests that never finish (408), and leaks nothing', async () => {
    const test = await startNode({
      storage: 'memory',
      secret: 'http-hostile-secret',
      httpHeadersTimeoutMs: 500,
      httpRequestTimeoutMs: 1000,
    })
    const started = Date.now()
    const stalled = await Promise.all([
      // Half an upgrade request: the headers never end.
      ...Array.from({ length: 20 }, () =>
        sendRaw(
          test.port,
          'GET /ws/stalled HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n',
        ),
      ),
      // A body promised but never sent.
      ...Array.from({ length: 5 }, () =>
        sendRaw(
          test.port,
          'POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"',
        ),
      ),
    ])
    for (const response of stalled) expect(response.status).toBe(HTTP_STATUS.REQUEST_TIMEOUT)
    // A connection that sends nothing at all is closed as well (reading, so it sees the close).
    const silent = net.connect({ port: test.port, host: '127.0.0.1' })
    silent.resume()
    const silentClosed = new Promise<void>((resolve) => silent.on('close', () => resolve()))
    silent.on('error', () => undefined)
    await vi.waitFor(() => silentClosed, POLL)
    expect(Date.now() - started, 'cut within a few timeouts').toBeLessThan(8000)
    await expectNothingLeft(test)
    expect((await fetch(`${test.httpUrl}/healthz`)).status, 'the server still answers').toBe(200)
  })
})
