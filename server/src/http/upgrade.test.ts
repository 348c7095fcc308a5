/**
 * The upgrade handler and its probe on a real HTTP server: every refusal is an HTTP status decided
 * before a socket exists (auth failures 401 with a Bearer challenge / 403, bad paths 404, full node
 * or room 503, shutdown 503, spent refusal allowance 429, unexpected errors 500), and an accepted
 * upgrade hands its target to the connection layer.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { HTTP_STATUS } from '@tandem/shared'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { rawUpgrade } from '../../test/helpers/clients'
import { counterValue } from '../../test/helpers/counterValue'
import { AuthError } from '../auth/AuthError'
import type { ConnectionIdentity } from '../connection/Connection'
import { ConnectionLimits } from '../connection/ConnectionLimits'
import { createLogger } from '../logger'
import { Metrics } from '../metrics'
import { INVALID_TOKEN_CHALLENGE } from './ApiError'
import { RateLimiter } from './RateLimiter'
import {
  type Authenticate,
  CONNECTION_LIMIT_RETRY_AFTER_SECONDS,
  createUpgradeHandler,
  createUpgradeProbe,
  type UpgradeTarget,
} from './upgrade'

const POLL = { timeout: 5000, interval: 5 }

/**
 * Test tokens: `?token=` names the outcome (ok, expired, revoked, boom); `held` is accepted once the
 * test releases `held`.
 */
function authenticateWith(held: Promise<void>): Authenticate {
  return async (request) => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token')
    if (token === 'expired') throw new AuthError('TOKEN_EXPIRED', 'exp in the past')
    if (token === 'revoked') throw new AuthError('ACCESS_REVOKED')
    if (token === 'boom') throw new Error('verifier broke')
    if (token === 'held') await held
    else if (token !== 'ok') throw new AuthError('MISSING_TOKEN')
    return { userId: 'u', role: 'editor', expiresAtMs: null } satisfies ConnectionIdentity
  }
}

async function setUp(options: { refusalBurst?: number; maxConnections?: number; maxRoom?: number } = {}) {
  const metrics = new Metrics()
  const logger = createLogger('silent', false)
  const errors = vi.spyOn(logger, 'error')
  const limits = new ConnectionLimits(options.maxConnections ?? 10, options.maxRoom ?? 10)
  const refusalLimiter = new RateLimiter({ capacity: options.refusalBurst ?? 60, refillPerSecond: 0.001 })
  const wss = new WebSocketServer({ noServer: true })
  const accepted: Array<{ ws: WebSocket; target: UpgradeTarget }> = []
  let accepting = true
  let release = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const upgrades: Array<{ socket: Duplex; settled: boolean }> = []
  const shared = {
    authenticate: authenticateWith(held),
    logger,
    refusalLimiter,
    clientAddress: () => '203.0.113.9',
  }
  const handleUpgrade = createUpgradeHandler({
    ...shared,
    wss,
    metrics,
    isAccepting: () => accepting,
    limits,
    onConnection: (ws, _socket, target) => {
      limits.add(target.room)
      accepted.push({ ws, target })
    },
  })
  const probe = createUpgradeProbe(shared)
  const server = createServer(async (request, response) => {
    const answer = await probe(request)
    response.writeHead(answer.status, answer.headers).end(answer.message)
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const upgrade = { socket, settled: false }
    upgrades.push(upgrade)
    void handleUpgrade(request, socket, head).finally(() => {
      upgrade.settled = true
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  onTestFinished(async () => {
    for (const { ws } of accepted) ws.terminate()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return {
    metrics,
    errors,
    limits,
    accepted,
    port,
    upgrades,
    release,
    stopAccepting: () => {
      accepting = false
    },
    upgrade: (path: string) => rawUpgrade(port, path),
    probe: (path: string) => fetch(`http://127.0.0.1:${port}${path}`),
  }
}

describe('createUpgradeHandler', () => {
  it('accepts a good token: the connection layer gets the socket, the room, the identity and ?saved=1', async () => {
    const { accepted, port } = await setUp()
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws/doc-1?token=ok&saved=1`)
    onTestFinished(() => client.terminate())
    await new Promise((resolve, reject) => {
      client.once('open', resolve)
      client.once('error', reject)
    })
    expect(accepted).toHaveLength(1)
    expect(accepted[0]?.target).toEqual({
      room: 'doc-1',
      identity: { userId: 'u', role: 'editor', expiresAtMs: null },
      wantsSavedAcks: true,
    })
  })

  it('leaves nothing of its own on an accepted socket: ws alone listens for its errors from then on', async () => {
    const { accepted, upgrades, port } = await setUp()
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws/doc-1?token=ok`)
    onTestFinished(() => client.terminate())
    await new Promise((resolve, reject) => {
      client.once('open', resolve)
      client.once('error', reject)
    })
    expect(accepted).toHaveLength(1)
    // A listener per upgrade kept a closure (and its array of listeners) for the socket's whole life.
    expect(upgrades[0]?.socket.listenerCount('error')).toBe(1)
  })

  it('maps auth failures to statuses once: 401 with a Bearer challenge, 403 without, counted by status', async () => {
    const { metrics, accepted, upgrade } = await setUp()
    const expired = await upgrade('/ws/doc?token=expired')
    expect(expired.status).toBe(HTTP_STATUS.UNAUTHORIZED)
    expect(expired.headers['www-authenticate']).toBe(INVALID_TOKEN_CHALLENGE)
    expect(expired.body).toBe('token expired\n')
    const missing = await upgrade('/ws/doc')
    expect(missing.status).toBe(HTTP_STATUS.UNAUTHORIZED)
    const revoked = await upgrade('/ws/doc?token=revoked')
    expect(revoked.status).toBe(HTTP_STATUS.FORBIDDEN)
    expect(revoked.headers['www-authenticate']).toBeUndefined()
    expect(await counterValue(metrics.upgradesRefused, '401')).toBe(2)
    expect(await counterValue(metrics.upgradesRefused, '403')).toBe(1)
    expect(accepted).toHaveLength(0)
  })

  it('answers 404 for paths that are not /ws/<valid room>, before reading the token', async () => {
    const { upgrade } = await setUp()
    for (const path of [
      '/other?token=ok',
      '/ws/?token=ok',
      '/ws/a%20b?token=ok',
      `/ws/${'x'.repeat(129)}?token=ok`,
    ]) {
      expect((await upgrade(path)).status, path).toBe(HTTP_STATUS.NOT_FOUND)
    }
  })

  it('refuses a full node or room with 503 and Retry-After, counted by limit; other rooms still join', async () => {
    const { metrics, limits, upgrade, accepted } = await setUp({ maxConnections: 3, maxRoom: 1 })
    limits.add('full-room')
    const room = await upgrade('/ws/full-room?token=ok')
    expect(room.status).toBe(HTTP_STATUS.SERVICE_UNAVAILABLE)
    expect(room.headers['retry-after']).toBe(String(CONNECTION_LIMIT_RETRY_AFTER_SECONDS))
    expect(room.body).toBe('this document is at its connection limit\n')
    expect((await upgrade('/ws/free-room?token=ok')).status).toBe(101)
    await vi.waitFor(() => expect(accepted).toHaveLength(1), POLL)
    limits.add('third-room')
    const node = await upgrade('/ws/another-room?token=ok')
    expect(node.status).toBe(HTTP_STATUS.SERVICE_UNAVAILABLE)
    expect(node.body).toBe('this server is at its connection limit\n')
    expect(await counterValue(metrics.limitRefusals, 'room-connections')).toBe(1)
    expect(await counterValue(metrics.limitRefusals, 'node-connections')).toBe(1)
  })

  it('refuses with 503 while shutting down, and 500 (logged) when authentication itself breaks', async () => {
    const { errors, upgrade, stopAccepting } = await setUp()
    const broken = await upgrade('/ws/doc?token=boom')
    expect(broken.status).toBe(HTTP_STATUS.INTERNAL_ERROR)
    expect(broken.body).toBe('internal error\n')
    expect(errors).toHaveBeenCalledTimes(1)
    stopAccepting()
    expect((await upgrade('/ws/doc?token=ok')).status).toBe(HTTP_STATUS.SERVICE_UNAVAILABLE)
  })

  it("spends an address's allowance on its 4xx refusals only, then answers 429 with Retry-After", async () => {
    const { metrics, upgrade } = await setUp({ refusalBurst: 2 })
    // 5xx refusals are not the client's fault: they spend nothing.
    expect((await upgrade('/ws/doc?token=boom')).status).toBe(HTTP_STATUS.INTERNAL_ERROR)
    expect((await upgrade('/ws/doc?token=expired')).status).toBe(HTTP_STATUS.UNAUTHORIZED)
    expect((await upgrade('/nowhere')).status).toBe(HTTP_STATUS.NOT_FOUND)
    const limited = await upgrade('/ws/doc?token=ok')
    expect(limited.status).toBe(HTTP_STATUS.TOO_MANY_REQUESTS)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(await counterValue(metrics.limitRefusals, 'upgrade-refusals')).toBe(1)
  })

  it('creates no socket for an upgrade whose connection died while its token was checked', async () => {
    const { metrics, accepted, port, limits, upgrades, release } = await setUp({ maxRoom: 1 })
    // Full, too: a socket that is gone is not even refused (nothing counted, nothing written).
    limits.add('doc')
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws/doc?token=held`)
    client.on('error', () => {})
    await vi.waitFor(() => expect(upgrades).toHaveLength(1), POLL)
    // As a reset or the server's header timeout would: the socket is gone before the check ends.
    upgrades[0]?.socket.destroy()
    release()
    await vi.waitFor(() => expect(upgrades[0]?.settled).toBe(true), POLL)
    expect(accepted).toHaveLength(0)
    expect((await metrics.upgradesRefused.get()).values).toHaveLength(0)
    expect((await metrics.limitRefusals.get()).values).toHaveLength(0)
  })
})

describe('createUpgradeProbe', () => {
  it('answers what the upgrade would: 426 for a good token, the same refusals otherwise, spending the allowance', async () => {
    const { probe, upgrade } = await setUp({ refusalBurst: 2 })
    const good = await probe('/ws/doc?token=ok')
    expect(good.status).toBe(HTTP_STATUS.UPGRADE_REQUIRED)
    expect(good.headers.get('upgrade')).toBe('websocket')
    const expired = await probe('/ws/doc?token=expired')
    expect(expired.status).toBe(HTTP_STATUS.UNAUTHORIZED)
    expect(expired.headers.get('www-authenticate')).toBe(INVALID_TOKEN_CHALLENGE)
    expect((await probe('/ws/doc?token=revoked')).status).toBe(HTTP_STATUS.FORBIDDEN)
    // Probes and upgrades share one allowance.
    expect((await upgrade('/ws/doc?token=ok')).status).toBe(HTTP_STATUS.TOO_MANY_REQUESTS)
    expect((await probe('/ws/doc?token=ok')).status).toBe(HTTP_STATUS.TOO_MANY_REQUESTS)
  })
})
