/** Connection on real socket pairs: sending, back-pressure, closing and its lifecycle state. */
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import { testConnectionSettings } from '../../test/helpers/connectionSettings'
import { counterValue } from '../../test/helpers/counterValue'
import { testRoomContext } from '../../test/helpers/roomContext'
import { startSocketPairs } from '../../test/helpers/socketPairs'
import { Metrics } from '../metrics'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { Room } from '../rooms/Room'
import { Connection } from './Connection'

const POLL = { timeout: 5000, interval: 5 }

async function setUp(maxBufferedBytes = 64 * 1024) {
  const metrics = new Metrics()
  const pairs = await startSocketPairs()
  // One object for every connection, as on a node.
  const settings = testConnectionSettings(metrics, maxBufferedBytes)
  async function open() {
    const pair = await pairs.open()
    const connection = new Connection(
      pair.server,
      pair.serverSocket,
      { room: 'room', identity: { userId: 'u', role: 'editor', expiresAtMs: null }, wantsSavedAcks: false },
      settings,
    )
    return { ...pair, connection }
  }
  return { metrics, open }
}

describe('Connection', () => {
  it('sends frames in order and counts them; after it closed, sends nothing', async () => {
    const { metrics, open } = await setUp()
    const { connection, received } = await open()
    connection.send(new Uint8Array([0, 1]), 'sync-update')
    connection.send(new Uint8Array([0, 2, 3]), 'sync-update')
    await vi.waitFor(() => expect(received).toHaveLength(2), POLL)
    expect(received.map((frame) => [...frame])).toEqual([
      [0, 1],
      [0, 2, 3],
    ])
    expect(await counterValue(metrics.messages, 'out')).toBe(2)
    expect(connection.markClosed()).toBeUndefined()
    connection.send(new Uint8Array([0, 4]), 'sync-update')
    expect(await counterValue(metrics.messages, 'out')).toBe(2)
  })

  it('frames a message sent to many sockets once: every socket is written the same bytes', async () => {
    const { open } = await setUp()
    const sockets = [await open(), await open(), await open()]
    const writes = sockets.map(({ serverSocket }) => vi.spyOn(serverSocket, 'write'))
    const message = new Uint8Array([0, 2, 1, 42])
    for (const { connection } of sockets) connection.send(message, 'sync-update')
    const written = writes.map((write) => write.mock.calls.map(([chunk]) => chunk))
    expect(written.map((chunks) => chunks.length)).toEqual([1, 1, 1])
    expect(written[1]![0]).toBe(written[0]![0])
    expect(written[2]![0]).toBe(written[0]![0])
    for (const { received } of sockets) {
      await vi.waitFor(() => expect(received.map((frame) => [...frame])).toEqual([[0, 2, 1, 42]]), POLL)
    }
  })

  it('closes with the code given, once: a second close is ignored', async () => {
    const { open } = await setUp()
    const { connection, closed } = await open()
    connection.close(CLOSE_CODES.FORBIDDEN)
    connection.close(CLOSE_CODES.INTERNAL_ERROR)
    expect((await closed).code).toBe(CLOSE_CODES.FORBIDDEN.code)
  })

  it('closes a reader that stopped reading (1013) once its queue passes the limit, and cuts it a second later', async () => {
    const { metrics, open } = await setUp(256 * 1024)
    const { connection, client, server } = await open()
    client.pause()
    const cut = new Promise<number>((resolve) => server.once('close', () => resolve(Date.now())))
    const frame = new Uint8Array(256 * 1024)
    let sent = 0
    // Kernel buffers take a few MB first; the queue passes the limit after that.
    while (server.readyState === server.OPEN && sent < 400) {
      connection.send(frame, 'sync-update')
      sent++
    }
    const closingAtMs = Date.now()
    expect(server.readyState, `still open after ${sent} frames`).toBe(server.CLOSING)
    expect(await counterValue(metrics.limitRefusals, 'backpressure')).toBe(1)
    // The paused reader never takes its close frame: the socket is cut instead of waiting forever.
    const cutAtMs = await cut
    expect(cutAtMs - closingAtMs).toBeGreaterThanOrEqual(900)
    expect(cutAtMs - closingAtMs).toBeLessThan(5000)
  })

  it('sends one frame larger than the queue limit to a reader that keeps up', async () => {
    const { open } = await setUp(1024)
    const { connection, received } = await open()
    connection.send(new Uint8Array(64 * 1024), 'sync-step2')
    connection.send(new Uint8Array([0, 1]), 'sync-update')
    await vi.waitFor(() => expect(received).toHaveLength(2), POLL)
    expect(received[0]?.byteLength).toBe(64 * 1024)
    expect(connection.isOpen).toBe(true)
  })

  it("sends a join's step 2 and the changes since its base as one unit, past the queue limit", async () => {
    const { open } = await setUp(1024)
    const { connection, client, server, received } = await open()
    // Larger than the kernel's socket buffers take from a paused reader: the step 2 alone leaves the
    // queue past the limit, and its remainder must follow it all the same.
    client.pause()
    const step2 = new Uint8Array(16 * 1024 * 1024)
    connection.sendSyncStep2(step2, new Uint8Array([0, 2, 9]))
    expect(server.bufferedAmount).toBeGreaterThan(1024)
    // What follows a join (the SAVED ack, presence) is queued behind it, not refused.
    connection.send(new Uint8Array([4, 1]), 'saved')
    client.resume()
    await vi.waitFor(() => expect(received).toHaveLength(3), POLL)
    expect(received.map((frame) => frame.byteLength)).toEqual([step2.byteLength, 3, 2])
    expect(connection.isOpen).toBe(true)
  })

  it('still closes a reader that stops reading after a join, once its queue passes limit and answer', async () => {
    const { metrics, open } = await setUp(1024)
    const { connection, client, server } = await open()
    client.pause()
    const step2 = new Uint8Array(8 * 1024 * 1024)
    connection.sendSyncStep2(step2, undefined)
    let sent = 0
    while (server.readyState === server.OPEN && sent < 100) {
      connection.send(new Uint8Array(1024 * 1024), 'sync-update')
      sent++
    }
    expect(server.readyState, `still open after ${sent} frames`).toBe(server.CLOSING)
    // Bounded: the limit plus one join answer, plus the one frame checked under it.
    expect(sent).toBeLessThanOrEqual(step2.byteLength / (1024 * 1024) + 1)
    expect(await counterValue(metrics.limitRefusals, 'backpressure')).toBe(1)
  })

  it('moves joining -> open -> closed; markClosed hands back its room once', async () => {
    const { open } = await setUp()
    const { connection } = await open()
    const room = await Room.load('room', testRoomContext(new MemoryStore()))
    try {
      expect(connection.state.kind).toBe('joining')
      expect(connection.canWrite).toBe(true)
      connection.state = { kind: 'open', room }
      expect(connection.isOpen).toBe(true)
      expect(connection.markClosed()).toBe(room)
      expect(connection.isOpen).toBe(false)
      expect(connection.markClosed()).toBeUndefined()
    } finally {
      room.destroy()
    }
  })
})
