/**
 * handleFrame on a real socket pair (a ws server on a free port and a ws client), a real Connection
 * and a real room over the in-memory store: what each kind of frame does, in milliseconds.
 */
import type { AddressInfo, Socket } from 'node:net'
import { encodeAwareness, encodeQueryAwareness, encodeSyncUpdate, readMessage } from '@tandem/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { testConnectionSettings } from '../../test/helpers/connectionSettings'
import { testRoomContext } from '../../test/helpers/roomContext'
import { createLogger } from '../logger'
import { Metrics } from '../metrics'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { Room } from '../rooms/Room'
import { Connection } from './Connection'
import { handleFrame } from './handleFrame'

const logger = createLogger('silent', false)
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A room and a way to open connections to it, each with the client end of its socket. */
async function setUp() {
  const metrics = new Metrics()
  const store = new MemoryStore()
  const room = await Room.load('room', testRoomContext(store, metrics))
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  cleanups.push(
    () => new Promise((resolve) => wss.close(resolve)),
    () => room.destroy(),
  )
  await new Promise((resolve) => wss.once('listening', resolve))
  const port = (wss.address() as AddressInfo).port

  async function connect(userId: string, role: 'editor' | 'viewer') {
    const serverSide = new Promise<[WebSocket, Socket]>((resolve) =>
      wss.once('connection', (ws, request) => resolve([ws, request.socket])),
    )
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    cleanups.push(() => client.terminate())
    const received: Uint8Array[] = []
    client.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)))
    const connection = new Connection(
      ...(await serverSide),
      { room: 'room', identity: { userId, role, expiresAtMs: null }, wantsSavedAcks: false },
      testConnectionSettings(metrics),
    )
    connection.state = { kind: 'open', room }
    room.attach(connection)
    const frame = (bytes: Uint8Array) => handleFrame(connection, room, bytes, metrics, logger)
    return { connection, received, closed, frame }
  }
  return { room, metrics, connect }
}

function typed(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('handleFrame', () => {
  it("drops a viewer's writes, whatever bytes it crafts: never stored or applied, and it stays connected", async () => {
    const { room, metrics, connect } = await setUp()
    const viewer = await connect('v', 'viewer')
    viewer.frame(encodeSyncUpdate(typed('forged', 5)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(room.doc.getText('t').toString()).toBe('')
    expect((await metrics.droppedViewerWrites.get()).values[0]?.value).toBe(1)
    expect(viewer.connection.isOpen).toBe(true)
  })

  it('closes only the sender of a malformed frame (4400); the room and other sockets carry on', async () => {
    const { room, connect } = await setUp()
    const bad = await connect('bad', 'editor')
    const good = await connect('good', 'editor')
    bad.frame(new Uint8Array([0, 2, 200, 1, 2]))
    expect(await bad.closed).toBe(4400)
    good.frame(encodeSyncUpdate(typed('fine', 6)))
    await until(() => room.doc.getText('t').toString() === 'fine')
    expect(good.connection.isOpen).toBe(true)
  })

  it("refuses an update under another user's client id (4409) with a permission-denied message first", async () => {
    const { room, connect } = await setUp()
    const owner = await connect('owner', 'editor')
    const forger = await connect('forger', 'editor')
    owner.frame(encodeSyncUpdate(typed('mine', 42)))
    await until(() => room.doc.getText('t').toString() === 'mine')
    // The forger's own history under id 42 runs past the owner's: new structs under an id it does not own.
    forger.frame(encodeSyncUpdate(typed('stolen!!', 42)))
    expect(await forger.closed).toBe(4409)
    expect(forger.received.map((frame) => readMessage(frame).type)).toContain('auth')
    expect(room.doc.getText('t').toString()).toBe('mine')
  })

  it('answers query-awareness at most once per interval: the rest coalesce', async () => {
    const { metrics, connect } = await setUp()
    const asker = await connect('a', 'editor')
    const other = await connect('b', 'editor')
    // Someone must be present for an answer to carry anything.
    const awareness = new Awareness(new Y.Doc())
    awareness.setLocalState({ user: { name: 'B' } })
    other.frame(encodeAwareness(encodeAwarenessUpdate(awareness, [awareness.clientID])))
    awareness.destroy()
    await until(() => asker.received.some((frame) => readMessage(frame).type === 'awareness'))
    const answersBefore = asker.received.filter((frame) => readMessage(frame).type === 'awareness').length
    const answers = () => asker.received.filter((frame) => readMessage(frame).type === 'awareness').length
    for (let i = 0; i < 5; i++) asker.frame(encodeQueryAwareness())
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(answers() - answersBefore, 'the first query is answered at once').toBe(1)
    // The second waits for the interval's end; the three after it share that answer.
    expect((await metrics.awarenessQueriesCoalesced.get()).values[0]?.value).toBe(3)
    await until(() => answers() - answersBefore === 2)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(answers() - answersBefore).toBe(2)
  })
})
