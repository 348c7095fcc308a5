import { CLOSE_CODES, encodeAwareness, encodeSyncStep1, encodeSyncUpdate, MESSAGE_TYPE } from '@tandem/shared'
import * as decoding from 'lib0/decoding'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { connectRaw, connectStockClient, synced } from './helpers/clients'
import { startServer } from './helpers/startServer'

const POLL = { timeout: 5000, interval: 20 }

function updateFrom(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  edit(doc)
  return Y.encodeStateAsUpdate(doc)
}

describe('sync over the stock y-websocket protocol', () => {
  it('converges concurrent edits, catches up a late joiner and keeps rooms apart', async () => {
    const { wsUrl } = await startServer()
    const a = connectStockClient(wsUrl, 'room-1')
    const b = connectStockClient(wsUrl, 'room-1')
    const other = connectStockClient(wsUrl, 'room-2')
    await Promise.all([synced(a), synced(b), synced(other)])

    a.text.insert(0, 'hello ')
    b.text.insert(0, 'world ')
    for (let i = 0; i < 50; i++) (i % 2 ? a : b).text.insert(0, String(i % 10))

    await vi.waitFor(() => {
      expect(a.text.toString()).toHaveLength(62)
      expect(b.text.toString()).toBe(a.text.toString())
    }, POLL)

    const late = connectStockClient(wsUrl, 'room-1')
    await synced(late)
    await vi.waitFor(() => expect(late.text.toString()).toBe(a.text.toString()), POLL)
    expect(other.text.toString()).toBe('')
  })

  it('answers step 1 only after the stored state has loaded', async () => {
    const store = new MemoryStore()
    await store.append([
      { room: 'stored', update: updateFrom((doc) => doc.getText('t').insert(0, 'from disk')) },
    ])
    let releaseLoad = () => {}
    const gate = new Promise<void>((resolve) => {
      releaseLoad = resolve
    })
    const load = store.load.bind(store)
    store.load = async (room) => {
      await gate
      return load(room)
    }
    const { wsUrl } = await startServer({}, { store })
    const client = connectStockClient(wsUrl, 'stored')
    await vi.waitFor(() => expect(client.provider.wsconnected).toBe(true), POLL)
    expect(client.provider.synced).toBe(false)
    releaseLoad()
    await synced(client)
    expect(client.text.toString()).toBe('from disk')
  })

  it('shares one load among concurrent first joins', async () => {
    const store = new MemoryStore()
    const load = vi.spyOn(store, 'load')
    const { wsUrl, server } = await startServer({}, { store })
    const clients = Array.from({ length: 8 }, () => connectStockClient(wsUrl, 'crowd'))
    await Promise.all(clients.map(synced))
    expect(load).toHaveBeenCalledTimes(1)
    expect(server.rooms.size).toBe(1)
  })

  it('returns the memory of rooms that came and went', async () => {
    const { wsUrl, server } = await startServer()
    for (let round = 0; round < 10; round++) {
      const clients = Array.from({ length: 20 }, (_, i) => connectStockClient(wsUrl, `churn-${round}-${i}`))
      await Promise.all(clients.map(synced))
      clients[0]!.text.insert(0, 'x')
      for (const client of clients) client.provider.destroy()
    }
    await vi.waitFor(() => {
      expect(server.rooms.size).toBe(0)
      expect(server.connections.size).toBe(0)
    }, POLL)
    const metrics = await server.metrics.registry.getSingleMetricAsString('tandem_rooms')
    expect(metrics).toMatch(/tandem_rooms 0/)
  })
})

describe('awareness', () => {
  it('shows a client to the others and removes it within 1 s of it closing', async () => {
    const { wsUrl } = await startServer()
    const a = connectStockClient(wsUrl, 'presence')
    const b = connectStockClient(wsUrl, 'presence')
    await Promise.all([synced(a), synced(b)])
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    await vi.waitFor(() => {
      expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Ann' } })
    }, POLL)

    // Closing the socket without a goodbye message: the server must announce the removal itself.
    const ws = a.provider.ws
    a.provider.shouldConnect = false
    ws?.close()
    const started = Date.now()
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false), POLL)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('removes presence that was cleared and set again before the socket closed', async () => {
    const { wsUrl } = await startServer()
    const a = connectStockClient(wsUrl, 'presence-reset')
    const b = connectStockClient(wsUrl, 'presence-reset')
    await Promise.all([synced(a), synced(b)])
    // What a closing tab does: pagehide clears the state, a blur sets it again for the same client id.
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(true), POLL)
    a.provider.awareness.setLocalState(null)
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false), POLL)
    a.provider.awareness.setLocalState({ user: { name: 'Ann again' } })
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(true), POLL)

    const ws = a.provider.ws
    a.provider.shouldConnect = false
    ws?.close()
    const started = Date.now()
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false), POLL)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('gives a late joiner the presence already in the room', async () => {
    const { wsUrl } = await startServer()
    const a = connectStockClient(wsUrl, 'presence-late')
    await synced(a)
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    const b = connectStockClient(wsUrl, 'presence-late')
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toBeDefined(), POLL)
  })
})

describe('heartbeat', () => {
  it('terminates a client that stops answering pings', async () => {
    const { server, port } = await startServer({ heartbeatIntervalMs: 100 })
    const silent = await connectRaw(`ws://127.0.0.1:${port}/ws/hb`, { autoPong: false })
    const healthy = await connectRaw(`ws://127.0.0.1:${port}/ws/hb`)
    await expect(silent.closed).resolves.toBe(1006)
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN)
    await vi.waitFor(() => expect(server.connections.size).toBe(1), POLL)
  })

  it('keeps a lone idle client hearing something, so the stock client never times it out', async () => {
    const { port } = await startServer({ heartbeatIntervalMs: 100 })
    const lone = await connectRaw(`ws://127.0.0.1:${port}/ws/idle`)
    await vi.waitFor(() => expect(lone.received.length).toBeGreaterThan(0), POLL)
    const afterHandshake = lone.received.length
    await vi.waitFor(() => expect(lone.received.length).toBeGreaterThan(afterHandshake + 2), POLL)
    const keepalive = lone.received.at(-1)!
    expect(keepalive[0]).toBe(MESSAGE_TYPE.AWARENESS)
  })
})

describe('bad input', () => {
  const malformed: Record<string, Uint8Array> = {
    'truncated varint': Uint8Array.from([0, 0x80]),
    'unknown message type': Uint8Array.from([42, 0]),
    'unknown sync type': Uint8Array.from([0, 9, 0]),
    'length past the end': Uint8Array.from([0, 2, 40, 1]),
    'update Yjs cannot read': encodeSyncUpdate(Uint8Array.from([5, 200, 1, 7, 7, 7])),
    'state vector Yjs cannot read': encodeSyncStep1(Uint8Array.from([3, 1])),
    'awareness that is not JSON': encodeAwareness(Uint8Array.from([1, 9, 1, 3, 123, 120, 125])),
  }

  for (const [name, frame] of Object.entries(malformed)) {
    it(`closes only the sender of a frame with a ${name} (4400); the room keeps working`, async () => {
      const { wsUrl, port, store } = await startServer()
      const a = connectStockClient(wsUrl, 'bad')
      const b = connectStockClient(wsUrl, 'bad')
      await Promise.all([synced(a), synced(b)])
      const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/bad`)
      raw.ws.send(frame)
      await expect(raw.closed).resolves.toBe(CLOSE_CODES.MALFORMED_MESSAGE.code)

      a.text.insert(0, 'still fine')
      await vi.waitFor(() => expect(b.text.toString()).toBe('still fine'), POLL)
      const stored = await store.load('bad')
      const doc = new Y.Doc()
      for (const update of stored.updates) Y.applyUpdate(doc, update)
      expect(doc.getText('t').toString()).toBe('still fine')
    })
  }

  it('closes a socket that sends a frame over MAX_MESSAGE_BYTES with 1009', async () => {
    const { port } = await startServer({ maxMessageBytes: 1024 })
    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/big`)
    raw.ws.send(encodeSyncUpdate(new Uint8Array(4096)))
    await expect(raw.closed).resolves.toBe(CLOSE_CODES.MESSAGE_TOO_BIG.code)
  })

  it('drops every write from a viewer, and still sends it the document', async () => {
    const { wsUrl, store } = await startServer()
    const editor = connectStockClient(wsUrl, 'read-only')
    await synced(editor)
    editor.text.insert(0, 'by the editor')
    const viewer = connectStockClient(wsUrl, 'read-only', { role: 'viewer' })
    await synced(viewer)
    await vi.waitFor(() => expect(viewer.text.toString()).toBe('by the editor'), POLL)

    viewer.text.insert(0, 'by the viewer ')
    const raw = await connectRaw(`${wsUrl}/read-only?role=viewer`)
    raw.ws.send(encodeSyncUpdate(updateFrom((doc) => doc.getText('t').insert(0, 'crafted '))))
    editor.text.insert(13, '!')
    await vi.waitFor(() => expect(viewer.text.toString()).toContain('!'), POLL)
    expect(editor.text.toString()).toBe('by the editor!')
    const stored = await store.load('read-only')
    const doc = new Y.Doc()
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    expect(doc.getText('t').toString()).toBe('by the editor!')
  })
})

describe('saved acknowledgements', () => {
  it('tells an opted-in client what is durable, and nobody else', async () => {
    const { wsUrl, port } = await startServer()
    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/acks?saved=1`)
    const stock = await connectRaw(`ws://127.0.0.1:${port}/ws/acks`)
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'abc')
    raw.ws.send(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)))
    const isSaved = (frame: Uint8Array) => frame[0] === MESSAGE_TYPE.SAVED
    await vi.waitFor(() => expect(raw.received.some(isSaved)).toBe(true), POLL)
    const saved = raw.received.filter(isSaved).at(-1)!
    const decoder = decoding.createDecoder(saved)
    decoding.readVarUint(decoder)
    const stateVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder))
    expect(stateVector.get(doc.clientID)).toBe(3)
    expect(stock.received.some(isSaved)).toBe(false)
    void wsUrl
  })
})

describe('graceful shutdown', () => {
  it('closes sockets with 1012 after storing what was typed', async () => {
    const store = new MemoryStore()
    const appended: Uint8Array[] = []
    const append = store.append.bind(store)
    store.append = async (entries) => {
      await append(entries)
      appended.push(...entries.map((entry) => entry.update))
    }
    const { wsUrl, server } = await startServer({}, { store })
    const client = connectStockClient(wsUrl, 'shutdown')
    await synced(client)
    const closeCode = new Promise<number>((resolve) =>
      client.provider.on('connection-close', (event) => resolve(event?.code ?? 0)),
    )
    client.text.insert(0, 'keep me')
    await vi.waitFor(
      () => expect(server.rooms.openRooms[0]?.doc.getText('t').toString()).toBe('keep me'),
      POLL,
    )
    await server.close()
    expect(await closeCode).toBe(CLOSE_CODES.SERVICE_RESTART.code)
    const doc = new Y.Doc()
    for (const update of appended) Y.applyUpdate(doc, update)
    expect(doc.getText('t').toString()).toBe('keep me')
  })
})
