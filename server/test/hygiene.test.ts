/**
 * Issue 14, item 10: refused upgrades are rate-limited per client address and logged at debug, an
 * aborted request body is no server error, and titles and names refuse bidi controls and lone
 * surrogates. Real nodes, real sockets, the node's own pino logger captured.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createToken } from '@tandem/shared'
import { pino } from 'pino'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { type Config, loadConfig } from '../src/config'
import { createNode } from '../src/createNode'
import type { TandemServer } from '../src/server'
import { rawUpgrade } from './helpers/clients'

const SECRET = 'hygiene-test-secret-0123456789abcdef'
const POLL = { timeout: 5000, interval: 10 }

interface LogLine {
  readonly level: number
  readonly msg: string
  readonly err?: { stack?: string }
  readonly [key: string]: unknown
}

/** A production-assembled node whose log lines (debug and up) land in `lines`. */
async function startLoggedNode(overrides: Partial<Config> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-hygiene-'))
  const lines: LogLine[] = []
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  )
  const config = loadConfig({}, [], {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    storage: 'memory',
    secret: SECRET,
    ...overrides,
  })
  const server: TandemServer = await createNode(config, logger)
  const port = await server.listen()
  onTestFinished(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { server, port, httpUrl: `http://127.0.0.1:${port}`, lines }
}

function upgradeWithHeaders(port: number, target: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra.join('')}\r\n`,
      )
    })
    let reply = ''
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n\r\n')) {
        socket.destroy()
        resolve(reply.split('\r\n')[0]!)
      }
    })
    socket.on('error', reject)
  })
}

describe('refused upgrades', () => {
  it('are rate-limited per client address (429 after the burst), counted, and logged at debug only', async () => {
    const { server, port, lines } = await startLoggedNode({
      upgradeRefusalBurst: 5,
      upgradeRefusalsPerSecond: 1,
    })
    const refusals = [
      '/ws/room?token=garbage',
      '/nothing-here',
      '/ws/bad%20name',
      '/ws/room',
      '/ws/room?token=x.y.z',
    ]
    for (const target of refusals) expect((await rawUpgrade(port, target)).status).not.toBe(101)
    const valid = await createToken({ secret: SECRET, sub: 'u', room: 'room', role: 'editor' })
    const blocked = await upgradeWithHeaders(port, `/ws/room?token=${valid}`, {})
    expect(blocked, 'an address past its burst is refused before its token is read').toBe(
      'HTTP/1.1 429 Too Many Requests',
    )
    // X-Forwarded-For is not believed without TRUST_PROXY.
    expect(
      await upgradeWithHeaders(port, `/ws/room?token=${valid}`, { 'X-Forwarded-For': '203.0.113.9' }),
    ).toBe('HTTP/1.1 429 Too Many Requests')
    const { values } = await server.metrics.limitRefusals.get()
    expect(values.find((value) => value.labels.limit === 'upgrade-refusals')?.value).toBe(2)
    const refused = await server.metrics.upgradesRefused.get()
    expect(refused.values.find((value) => value.labels.status === '429')?.value).toBe(2)
    const refusalLines = lines.filter((line) => line.msg === 'upgrade refused')
    expect(refusalLines).toHaveLength(7)
    expect(refusalLines.every((line) => line.level === 20)).toBe(true)
    expect(lines.filter((line) => line.level >= 30 && line.msg === 'upgrade refused')).toEqual([])
    expect(JSON.stringify(lines)).not.toContain(valid)
    // The bucket refills: one refusal's worth per second.
    await vi.waitFor(
      async () => expect((await rawUpgrade(port, `/ws/room?token=${valid}`)).status).toBe(101),
      POLL,
    )
  })

  it('count each address behind a trusted proxy on its own', async () => {
    const { port } = await startLoggedNode({
      upgradeRefusalBurst: 2,
      upgradeRefusalsPerSecond: 1,
      trustProxy: true,
    })
    const from = (address: string) => ({ 'X-Forwarded-For': `6.6.6.6, ${address}` })
    for (let i = 0; i < 2; i++) await upgradeWithHeaders(port, '/ws/room', from('203.0.113.1'))
    expect(await upgradeWithHeaders(port, '/ws/room', from('203.0.113.1'))).toBe(
      'HTTP/1.1 429 Too Many Requests',
    )
    expect(await upgradeWithHeaders(port, '/ws/room', from('203.0.113.2'))).toBe('HTTP/1.1 401 Unauthorized')
  })
})

describe('an aborted request body', () => {
  it('is logged at debug, without an error-level line or stack', async () => {
    const { port, lines } = await startLoggedNode()
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /api/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"docu',
        )
        // Give the server the headers and the first bytes, then hang up mid-body.
        setImmediate(() => {
          socket.destroy()
          resolve()
        })
      })
      socket.on('error', reject)
    })
    await vi.waitFor(
      () => expect(lines.some((line) => line.msg === 'client aborted its request body')).toBe(true),
      POLL,
    )
    expect(lines.filter((line) => line.level >= 40)).toEqual([])
    expect(lines.some((line) => line.err?.stack !== undefined)).toBe(false)
  })
})

describe('titles and names', () => {
  const BAD = [
    'in\u202evoice',
    'a\u202ab',
    'x\u2066y',
    'x\u2069',
    '\u202d',
    'lone \ud800 high',
    'lone \udfff low',
  ]

  it('refuse bidi controls and lone surrogates on the API and in token names', async () => {
    const { httpUrl, port } = await startLoggedNode()
    for (const title of BAD) {
      const response = await fetch(`${httpUrl}/api/documents`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        // JSON.stringify writes a lone surrogate as \ud800, which JSON.parse on the server turns back into one.
        body: JSON.stringify({ title }),
      })
      expect(response.status, JSON.stringify(title)).toBe(400)
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'bidirectional',
      )
    }
    const created = await fetch(`${httpUrl}/api/documents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'שלום 👋 Café' }),
    })
    expect(created.status).toBe(201)
    const doc = (await created.json()) as { id: string; viewLink: { url: string } }
    const shareKey = new URL(doc.viewLink.url, httpUrl).hash.replace('#key=', '')
    for (const name of BAD) {
      const response = await fetch(`${httpUrl}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ documentId: doc.id, shareKey, name }),
      })
      expect(response.status, JSON.stringify(name)).toBe(400)
      await response.body?.cancel()
      const token = await createToken({ secret: SECRET, sub: 'u', room: doc.id, role: 'viewer', name })
      expect((await rawUpgrade(port, `/ws/${doc.id}?token=${token}`)).status, JSON.stringify(name)).toBe(401)
    }
  })
})
