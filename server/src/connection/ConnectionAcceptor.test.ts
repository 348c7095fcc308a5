/**
 * ConnectionAcceptor on real socket pairs, a real registry and rooms over the in-memory store: early
 * frames, inbound limits, token expiry on the node's one timer, cleanup on close, failures that close
 * only their own socket. Milliseconds each.
 */
import { CLOSE_CODES, encodeSyncUpdate, readMessage } from '@tandem/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClientOptions } from 'ws'
import * as Y from 'yjs'
import { counterValue } from '../../test/helpers/counterValue'
import { testRoomContext } from '../../test/helpers/roomContext'
import { startSocketPairs } from '../../test/helpers/socketPairs'
import { Metrics } from '../metrics'
import type { StoredDocument } from '../persistence/DocumentStore'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { StorageError } from '../persistence/StorageError'
import { Room } from '../rooms/Room'
import { RoomRegistry } from '../rooms/RoomRegistry'
import type { Connection, ConnectionIdentity } from './Connection'
import { ConnectionAcceptor } from './ConnectionAcceptor'
import { ConnectionLimits } from './ConnectionLimits'
import { startHeartbeat } from './heartbeat'
import type { InboundLimits } from './InboundLimiter'
import { WireFrames } from './WireFrames'

/** Real sockets on a loaded machine: generous deadlines, short polls. */
const POLL = { timeout: 5000, interval: 5 }
const ROOM = 'room'

/** A store whose loads wait until the test opens the gate (or fail, when told to). */
class GatedStore extends MemoryStore {
  private openGate: () => void = () => {}
  private readonly gate = new Promise<void>((resolve) => {
    this.openGate = resolve
  })
  failLoads = false

  open(): void {
    this.openGate()
  }

  override async load(room: string): Promise<StoredDocument> {
    await this.gate
    if (this.failLoads) throw new StorageError('unavailable', 'database down')
    return super.load(room)
  }
}

const acceptors: ConnectionAcceptor[] = []
afterEach(() => {
  for (const acceptor of acceptors.splice(0)) acceptor.stop()
  vi.restoreAllMocks()
})

async function setUp(options: { inbound?: Partial<InboundLimits>; maxEarlyBytes?: number } = {}) {
  const metrics = new Metrics()
  const store = new GatedStore()
  const { onEmpty: _unused, ...context } = testRoomContext(store, metrics)
  const registry = new RoomRegistry(context)
  const connections = new Set<Connection>()
  const limits = new ConnectionLimits(100, 100)
  const acceptor = new ConnectionAcceptor({
    registry,
    connections,
    maxBufferedBytes: 1024 * 1024,
    awarenessQueryIntervalMs: 1000,
    maxEarlyBytes: options.maxEarlyBytes ?? 64 * 1024,
    limits,
    inbound: {
      messagesPerSecond: 1000,
      messagesBurst: 1000,
      bytesPerSecond: 1024 * 1024,
      bytesBurst: 1024 * 1024,
      ...options.inbound,
    },
    metrics,
    logger: context.logger,
    frames: new WireFrames(),
  })
  acceptors.push(acceptor)
  const pairs = await startSocketPairs()

  async function join(identity: Partial<ConnectionIdentity> = {}, client?: ClientOptions) {
    const pair = await pairs.open(client)
    const connection = acceptor.accept(pair.server, pair.serverSocket, {
      room: ROOM,
      identity: { userId: 'u', role: 'editor', expiresAtMs: null, ...identity },
      wantsSavedAcks: false,
    })
    return { ...pair, connection }
  }
  return { metrics, store, registry, connections, limits, acceptor, join }
}

/** Updates typing `text` one character at a time, each depending on the one before. */
function typing(text: string, clientID: number): Uint8Array[] {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (const [index, character] of [...text].entries()) doc.getText('t').insert(index, character)
  return updates
}

describe('ConnectionAcceptor', () => {
  it('buffers frames sent while the room loads and handles them in order once it opens', async () => {
    const { store, registry, join } = await setUp()
    const joiner = await join()
    for (const update of typing('hello', 7)) joiner.client.send(encodeSyncUpdate(update))
    await vi.waitFor(() => {
      const { state } = joiner.connection
      expect(state.kind === 'joining' && state.early.length).toBe(5)
    }, POLL)
    expect(registry.openRooms).toHaveLength(0)
    store.open()
    await vi.waitFor(() => expect(registry.openRooms[0]?.doc.getText('t').toString()).toBe('hello'), POLL)
    expect(joiner.connection.state.kind).toBe('open')
    // The joiner got the room's side of the handshake too.
    await vi.waitFor(
      () => expect(joiner.received.map((frame) => readMessage(frame).type)).toContain('sync-step1'),
      POLL,
    )
  })

  it('closes a client that sends more than maxEarlyBytes before its room loads (4429); nothing is applied', async () => {
    const { metrics, store, registry, join } = await setUp({ maxEarlyBytes: 100 })
    const joiner = await join()
    joiner.client.send(encodeSyncUpdate(new Uint8Array(60)))
    joiner.client.send(encodeSyncUpdate(new Uint8Array(60)))
    expect((await joiner.closed).code).toBe(CLOSE_CODES.RATE_LIMITED.code)
    expect(await counterValue(metrics.limitRefusals, 'early-bytes')).toBe(1)
    store.open()
    await vi.waitFor(() => expect(registry.size).toBe(0), POLL)
  })

  it('closes a client past its message rate (4429) and one that sends text (4400); others carry on', async () => {
    const { metrics, store, registry, join } = await setUp({
      inbound: { messagesBurst: 3, messagesPerSecond: 1 },
    })
    store.open()
    const flooder = await join()
    const texter = await join()
    const calm = await join()
    await vi.waitFor(() => expect(registry.openRooms[0]?.connections.size).toBe(3), POLL)
    for (const update of typing('abcd', 8)) flooder.client.send(encodeSyncUpdate(update))
    texter.client.send('hello')
    expect((await flooder.closed).code).toBe(CLOSE_CODES.RATE_LIMITED.code)
    expect((await texter.closed).code).toBe(CLOSE_CODES.MALFORMED_MESSAGE.code)
    expect(await counterValue(metrics.limitRefusals, 'message-rate')).toBe(1)
    // The three frames within the burst were handled before the fourth closed the socket.
    expect(registry.openRooms[0]?.doc.getText('t').toString()).toBe('abc')
    calm.client.send(encodeSyncUpdate(typing('z', 9)[0]!))
    await vi.waitFor(() => expect(registry.openRooms[0]?.doc.getText('t').toString()).toContain('z'), POLL)
    expect(calm.connection.isOpen).toBe(true)
  })

  it('closes a socket whose token expires with 4401 within a second of expiry, never before, on one timer for all', async () => {
    const { store, join } = await setUp()
    store.open()
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const longTimers = () => timeouts.mock.calls.filter(([, delay]) => (delay ?? 0) >= 30_000).length
    const start = Date.now()
    const later = []
    for (let i = 0; i < 20; i++)
      later.push(await join({ userId: `later-${i}`, expiresAtMs: start + 60_000 + i }))
    expect(longTimers(), 'twenty sockets with long-lived tokens arm one timer').toBe(1)
    const expiresAtMs = Date.now() + 300
    const expiring = await join({ userId: 'soon', expiresAtMs })
    const { code, atMs } = await expiring.closed
    expect(code).toBe(CLOSE_CODES.TOKEN_EXPIRED.code)
    expect(atMs).toBeGreaterThanOrEqual(expiresAtMs)
    expect(atMs - expiresAtMs).toBeLessThan(1000)
    for (const socket of later) expect(socket.connection.isOpen).toBe(true)
  })

  it('forgets a closed socket everywhere: connection set, node and room counts, and releases the room', async () => {
    const { metrics, store, registry, connections, limits, join } = await setUp()
    store.open()
    const joiner = await join({ expiresAtMs: Date.now() + 60_000 })
    await vi.waitFor(() => expect(registry.openRooms).toHaveLength(1), POLL)
    expect(connections.size).toBe(1)
    expect(limits.roomCount).toBe(1)
    joiner.client.close(1000)
    await vi.waitFor(() => expect(connections.size).toBe(0), POLL)
    expect(limits.roomCount).toBe(0)
    expect(limits.refusal(ROOM)).toBeUndefined()
    expect(joiner.connection.isOpen).toBe(false)
    expect(await counterValue(metrics.closes, '1000')).toBe(1)
    await vi.waitFor(() => expect(registry.size).toBe(0), POLL)
  })

  it('closes the joiners of a room that fails to load (4500)', async () => {
    const { store, registry, connections, join } = await setUp()
    store.failLoads = true
    const joiner = await join()
    store.open()
    expect((await joiner.closed).code).toBe(CLOSE_CODES.ROOM_LOAD_FAILED.code)
    await vi.waitFor(() => expect(connections.size).toBe(0), POLL)
    expect(registry.size).toBe(0)
  })

  it('closes only the socket whose join threw (1011), counted by path', async () => {
    const { metrics, store, registry, join } = await setUp()
    store.open()
    const fine = await join({ userId: 'fine' })
    await vi.waitFor(() => expect(registry.openRooms[0]?.connections.size).toBe(1), POLL)
    vi.spyOn(Room.prototype, 'attach').mockImplementationOnce(() => {
      throw new Error('attach broke')
    })
    const broken = await join({ userId: 'broken' })
    expect((await broken.closed).code).toBe(CLOSE_CODES.INTERNAL_ERROR.code)
    expect(await counterValue(metrics.internalErrors, 'accept')).toBe(1)
    expect(fine.connection.isOpen).toBe(true)
  })

  it("marks a connection alive on its pong, through the node's shared listener", async () => {
    const { store, join } = await setUp()
    store.open()
    const joiner = await join()
    joiner.connection.isAlive = false
    // The stock client answers pings by itself.
    joiner.server.ping()
    await vi.waitFor(() => expect(joiner.connection.isAlive).toBe(true), POLL)
    expect(joiner.server.listeners('pong')).toHaveLength(1)
  })
})

describe('the heartbeat sweep over accepted sockets', () => {
  it('cuts a socket that missed a pong, keeps one that answers, and sends keepalives to quiet sockets', async () => {
    const { metrics, store, connections, join } = await setUp()
    store.open()
    const answering = await join({ userId: 'answers' })
    const silent = await join({ userId: 'silent' }, { autoPong: false })
    const intervalMs = 50
    const stop = startHeartbeat(connections, intervalMs, metrics)
    try {
      // Sweep 1 pings both; sweep 2 finds the silent one never answered and cuts it (no close frame: 1006).
      expect((await silent.closed).code).toBe(1006)
      expect(await counterValue(metrics.closes, 'heartbeat')).toBe(1)
      await vi.waitFor(() => expect(connections.has(silent.connection)).toBe(false), POLL)
      const keepalives = () =>
        answering.received.filter((frame) => {
          const message = readMessage(frame)
          return message.type === 'awareness' && message.update.byteLength === 1
        }).length
      // Nothing else is said in this room, so every sweep or so sends a keepalive.
      await vi.waitFor(() => expect(keepalives()).toBeGreaterThanOrEqual(2), POLL)
      expect(answering.connection.isOpen).toBe(true)
    } finally {
      stop()
    }
  })
})
