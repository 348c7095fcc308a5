import { once } from 'node:events'
import { createServer, type IncomingMessage, STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { createToken, type TokenClaims } from '@tandem/shared'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { AuthError } from './AuthError'
import { authenticateUpgrade, readUpgradeToken, redactUrl } from './authenticateUpgrade'
import { TokenVerifier } from './TokenVerifier'

const SECRET = 'upgrade-test-secret-0123456789abcdef'
const verifier = new TokenVerifier(SECRET)
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The wiring the server core does: authenticate, then either refuse on the raw socket or upgrade. */
async function startServer(): Promise<{ url: string; accepted: TokenClaims[] }> {
  const accepted: TokenClaims[] = []
  const wss = new WebSocketServer({ noServer: true })
  const server = createServer()
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const room = new URL(request.url ?? '/', 'http://localhost').pathname.replace('/ws/', '')
    authenticateUpgrade(request, room, verifier).then(
      (claims) => {
        accepted.push(claims)
        wss.handleUpgrade(request, socket, head, (ws) => ws.close(1000))
      },
      (error: unknown) => {
        const status = error instanceof AuthError ? error.status : 500
        const reason = error instanceof AuthError ? error.reason : 'internal error'
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
        )
      },
    )
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(async () => {
    wss.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, accepted }
}

/** Opens a socket; resolves 101 when it opened, or the HTTP status the upgrade was refused with. */
function connect(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      response.destroy()
    })
    ws.on('error', reject)
  })
}

describe('authenticateUpgrade', () => {
  it('accepts a token in ?token= or in Authorization: Bearer, for its room only', async () => {
    const { url, accepted } = await startServer()
    const token = await createToken({ secret: SECRET, sub: 'ann', room: 'doc-1', role: 'viewer' })
    expect(await connect(`${url}/ws/doc-1?token=${token}`)).toBe(101)
    expect(await connect(`${url}/ws/doc-1`, { Authorization: `Bearer ${token}` })).toBe(101)
    expect(accepted.map((claims) => [claims.sub, claims.role])).toEqual([
      ['ann', 'viewer'],
      ['ann', 'viewer'],
    ])
    expect(await connect(`${url}/ws/doc-2?token=${token}`)).toBe(403)
    expect(accepted).toHaveLength(2)
  })

  it('refuses a missing, garbage or expired token with 401 before any socket exists', async () => {
    const { url, accepted } = await startServer()
    const expired = await createToken({
      secret: SECRET,
      sub: 'ann',
      room: 'doc-1',
      role: 'editor',
      ttlSeconds: -10,
    })
    expect(await connect(`${url}/ws/doc-1`)).toBe(401)
    expect(await connect(`${url}/ws/doc-1?token=`)).toBe(401)
    expect(await connect(`${url}/ws/doc-1?token=garbage`)).toBe(401)
    expect(await connect(`${url}/ws/doc-1?token=${expired}`)).toBe(401)
    expect(accepted).toEqual([])
  })

  it('falls back to the query when the Authorization header is another scheme', () => {
    const request = { url: '/ws/a?token=q', headers: { authorization: 'Basic dXNlcjpwYXNz' } }
    expect(readUpgradeToken(request)).toBe('q')
    expect(readUpgradeToken({ url: '/ws/a?token=q', headers: { authorization: 'bearer h' } })).toBe('h')
    expect(readUpgradeToken({ url: '/ws/a', headers: {} })).toBeUndefined()
  })
})

describe('redactUrl', () => {
  it('hides token, key and shareKey values in the query and the fragment, and keeps the rest', () => {
    expect(redactUrl('/ws/doc-1?token=eyJhbGc.eyJzdWIi.sig&saved=1')).toBe(
      '/ws/doc-1?token=[redacted]&saved=1',
    )
    expect(redactUrl('/ws/doc-1?saved=1&%74oken=abc&token')).toBe(
      '/ws/doc-1?saved=1&%74oken=[redacted]&token=[redacted]',
    )
    expect(redactUrl('/d/doc-1#key=secretkey')).toBe('/d/doc-1#key=[redacted]')
    expect(redactUrl('/api/x?shareKey=s&a=b#c')).toBe('/api/x?shareKey=[redacted]&a=b#c')
    expect(redactUrl('/ws/doc-1')).toBe('/ws/doc-1')
    expect(redactUrl('/ws/doc-1?tokens=kept&%E0%A4%A=bad')).toBe('/ws/doc-1?tokens=kept&%E0%A4%A=bad')
  })
})
