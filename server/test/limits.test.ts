/** Per-connection, per-room and per-node limits, document size and slow readers, through a real server. */
import { CLOSE_CODES, encodeAwareness, encodeSyncUpdate, HTTP_STATUS, MESSAGE_TYPE } from '@tandem/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it, vi } from 'vitest'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import type { TandemServer } from '../src/server'
import { connectRaw, connectStockClient, rawUpgrade, synced } from './helpers/clients'
import { formatRequest, sendRaw, upgradeHeaders } from './helpers/rawHttp'
import { startServer } from './helpers/startServer'

const POLL = { timeout: 20_000, interval: 20 }
/** An awareness update with no entries: valid, changes nothing, costs the server almost nothing. */
const EMPTY_AWARENESS = Uint8Array.from([MESSAGE_TYPE.AWARENESS, 1, 0])

async function limitCount(server: TandemServer, limit: string): Promise<number> {
  const metric = await server.metrics.limitRefusals.get()
  return metric.values.find((value) => value.labels.limit === limit)?.value ?? 0
}

/** One awareness entry whose JSON state carries `padding` characters. */
function awarenessOf(clientId: number, padding: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarString(encoder, JSON.stringify({ pad: 'x'.repeat(padding) }))
  return encodeAwareness(encoding.toUint8Array(encoder))
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

async function storedText(store: MemoryStore, room: string): Promise<string> {
  const stored = await store.load(room)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

describe('message and byte rate limits', () => {
  it('closes a flooding socket with 4429 and leaves one at a sustained rate under the limit alone', async () => {
    const { server, port } = await startServer({ maxMessagesPerSecond: 50, maxMessagesBurst: 20 })
    const flooder = await connectRaw(`ws://127.0.0.1:${port}/ws/rate`)
    const steady = await connectRaw(`ws://127.0.0.1:${port}/ws/rate`)
    for (let i = 0; i < 40; i++) flooder.ws.send(EMPTY_AWARENESS)
    await expect(flooder.closed).resolves.toBe(CLOSE_CODES.RATE_LIMITED.code)
    expect(await limitCount(server, 'message-rate')).toBe(1)

    // 25 per second for 1.6 s: 40 messages, twice the burst, never refused.
    for (let i = 0; i < 40; i++) {
      steady.ws.send(EMPTY_AWARENESS)
      await new Promise((resolve) => setTimeout(resolve, 40))
    }
    expect(steady.ws.readyState).toBe(steady.ws.OPEN)
    expect(await limitCount(server, 'message-rate')).toBe(1)
  })

  it('closes a socket that sends more bytes than its burst with 4429', async () => {
    const { server, port } = await startServer({
      maxMessageBytes: 4096,
      maxBytesBurst: 8192,
      maxBytesPerSecond: 1024,
    })
    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/bytes`)
    for (let i = 0; i < 3; i++) raw.ws.send(awarenessOf(7, 3000))
    await expect(raw.closed).resolves.toBe(CLOSE_CODES.RATE_LIMITED.code)
    expect(await limitCount(server, 'byte-rate')).toBe(1)
  })

  it('does not get in the way of normal use at the defaults: fast typing, a big paste, a big resync', async () => {
    const { server, wsUrl } = await startServer()
    const typist = connectStockClient(wsUrl, 'normal')
    const reader = connectStockClient(wsUrl, 'normal')
    const offline = connectStockClient(wsUrl, 'normal')
    await Promise.all([synced(typist), synced(reader), synced(offline)])
    const closes: number[] = []
    const recordCloses = (client: typeof typist) =>
      client.provider.on('connection-close', (event) => closes.push(event?.code ?? 0))
    recordCloses(typist)
    recordCloses(reader)

    // 60 keystrokes per second for 3 s, each with a cursor (awareness) update: far above any human.
    for (let i = 0; i < 180; i++) {
      typist.text.insert(typist.text.length, String(i % 10))
      typist.provider.awareness.setLocalStateField('cursor', { index: typist.text.length })
      await new Promise((resolve) => setTimeout(resolve, 1000 / 60))
    }
    // A 5 MB paste in one transaction.
    typist.text.insert(0, 'p'.repeat(5 * 1024 * 1024))
    // Two minutes offline with 2 MB of edits, sent as one sync step 2 on reconnect.
    offline.provider.disconnect()
    offline.text.insert(0, 'o'.repeat(2 * 1024 * 1024))
    offline.provider.connect()
    recordCloses(offline)

    const expectedLength = 180 + 5 * 1024 * 1024 + 2 * 1024 * 1024
    await vi.waitFor(() => {
      expect(reader.text.length).toBe(expectedLength)
      expect(typist.text.length).toBe(expectedLength)
      expect(offline.text.length).toBe(expectedLength)
    }, POLL)
    expect(closes, 'no client was closed').toEqual([])
    const refusals = await server.metrics.limitRefusals.get()
    expect(refusals.values.reduce((sum, value) => sum + value.value, 0)).toBe(0)
  })
})

describe('connection limits', () => {
  it('refuses the upgrade past the node limit with 503 and Retry-After, before any room exists', async () => {
    const { server, port } = await startServer({ maxConnections: 3 })
    const open = await Promise.all([1, 2, 3].map((i) => connectRaw(`ws://127.0.0.1:${port}/ws/node-${i}`)))
    const refused = await sendRaw(port, formatRequest('GET', '/ws/node-4', upgradeHeaders()), {
      untilHeaders: true,
    })
    expect(refused.status).toBe(HTTP_STATUS.SERVICE_UNAVAILABLE)
    expect(refused.text).toMatch(/Retry-After: \d+/)
    expect(server.connections.size).toBe(3)
    expect(server.rooms.size).toBeLessThanOrEqual(3)
    expect(await limitCount(server, 'node-connections')).toBe(1)

    open[0]!.ws.close()
    await vi.waitFor(() => expect(server.connections.size).toBe(2), POLL)
    expect((await rawUpgrade(port, '/ws/node-4')).status).toBe(101)
  })

  it('refuses the upgrade past the room limit with 503 while other rooms still take connections', async () => {
    const { server, port } = await startServer({ maxRoomConnections: 2 })
    await connectRaw(`ws://127.0.0.1:${port}/ws/crowded`)
    await connectRaw(`ws://127.0.0.1:${port}/ws/crowded`)
    expect((await rawUpgrade(port, '/ws/crowded')).status).toBe(HTTP_STATUS.SERVICE_UNAVAILABLE)
    expect((await rawUpgrade(port, '/ws/quiet')).status).toBe(101)
    expect(await limitCount(server, 'room-connections')).toBe(1)
    await vi.waitFor(() => expect(server.connectionLimits.roomCount).toBe(1), POLL)
  })
})

describe('document size', () => {
  it('refuses an update that would grow the document past MAX_DOCUMENT_BYTES: not stored, not applied, sender told', async () => {
    const store = new MemoryStore()
    const { server, wsUrl, port } = await startServer({ maxDocumentBytes: 20_000 }, { store })
    const a = connectStockClient(wsUrl, 'capped')
    const b = connectStockClient(wsUrl, 'capped')
    await Promise.all([synced(a), synced(b)])
    a.text.insert(0, 'x'.repeat(10_000))
    await vi.waitFor(() => expect(b.text.length).toBe(10_000), POLL)

    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/capped`)
    raw.ws.send(encodeSyncUpdate(textUpdate('y'.repeat(15_000))))
    await expect(raw.closed).resolves.toBe(CLOSE_CODES.DOCUMENT_TOO_LARGE.code)
    const denial = raw.received.find((frame) => frame[0] === MESSAGE_TYPE.AUTH)
    expect(denial, 'a y-protocols permission-denied message came first').toBeDefined()
    const decoder = decoding.createDecoder(denial!)
    decoding.readVarUint(decoder)
    expect(decoding.readVarUint(decoder)).toBe(0)
    expect(decoding.readVarString(decoder)).toMatch(/document would grow past 20000 bytes/)

    expect(server.rooms.openRooms[0]!.doc.getText('t').length, 'not applied').toBe(10_000)
    expect(await storedText(store, 'capped'), 'not stored').toBe('x'.repeat(10_000))
    // Small edits that fit still go through for everyone else.
    b.text.insert(0, 'still editing ')
    await vi.waitFor(() => expect(a.text.toString().startsWith('still editing ')).toBe(true), POLL)
    expect(await limitCount(server, 'document-size')).toBe(1)
  })

  it('measures exactly before refusing, so a log that overstates the size does not lock a document', async () => {
    // 100 rounds of typing 500 characters and deleting them: about 60 KB of log, a tiny document.
    const store = new MemoryStore()
    const doc = new Y.Doc()
    const log: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => log.push(update))
    for (let i = 0; i < 100; i++) {
      doc.getText('t').insert(0, 'z'.repeat(500))
      doc.getText('t').delete(0, 500)
    }
    await store.append(log.map((update) => ({ room: 'churned', update })))
    const logBytes = log.reduce((sum, update) => sum + update.byteLength, 0)
    expect(logBytes).toBeGreaterThan(40_000)
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeLessThan(5_000)

    const { wsUrl } = await startServer({ maxDocumentBytes: 20_000 }, { store })
    const writer = connectStockClient(wsUrl, 'churned')
    const reader = connectStockClient(wsUrl, 'churned')
    await Promise.all([synced(writer), synced(reader)])
    writer.text.insert(0, 'fits after measuring')
    await vi.waitFor(() => expect(reader.text.toString()).toBe('fits after measuring'), POLL)
  })

  it('closes a socket whose awareness update is over MAX_AWARENESS_BYTES with 1009', async () => {
    const { server, port } = await startServer({ maxAwarenessBytes: 1024 })
    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/presence`)
    raw.ws.send(awarenessOf(3, 2000))
    await expect(raw.closed).resolves.toBe(CLOSE_CODES.MESSAGE_TOO_BIG.code)
    expect(await limitCount(server, 'awareness-size')).toBe(1)
    expect(server.rooms.openRooms[0]?.awareness.getStates().size ?? 0).toBe(0)
  })
})

describe('slow readers', () => {
  it('still sends a joiner a document larger than MAX_BUFFERED_BYTES in one step 2', async () => {
    const { server, wsUrl } = await startServer({ maxBufferedBytes: 64 * 1024 })
    const writer = connectStockClient(wsUrl, 'big-doc')
    await synced(writer)
    writer.text.insert(0, 'b'.repeat(300 * 1024))
    await vi.waitFor(() => expect(server.rooms.openRooms[0]?.doc.getText('t').length).toBe(300 * 1024), POLL)
    const joiner = connectStockClient(wsUrl, 'big-doc')
    await synced(joiner)
    expect(joiner.text.length).toBe(300 * 1024)
    expect(await limitCount(server, 'backpressure')).toBe(0)
  })

  it('sends a joiner such a document edited since its join base: the step 2 and the changes since', async () => {
    const { server, wsUrl } = await startServer({ maxBufferedBytes: 64 * 1024 })
    const writer = connectStockClient(wsUrl, 'big-edited')
    await synced(writer)
    const size = 4 * 1024 * 1024
    writer.text.insert(0, 'b'.repeat(size))
    await vi.waitFor(() => expect(server.rooms.openRooms[0]?.doc.getText('t').length).toBe(size), POLL)
    writer.text.insert(0, 'edited ')
    await vi.waitFor(() => expect(server.rooms.openRooms[0]?.doc.getText('t').length).toBe(size + 7), POLL)
    const joiner = connectStockClient(wsUrl, 'big-edited')
    await synced(joiner)
    await vi.waitFor(() => expect(joiner.text.length).toBe(size + 7), POLL)
    expect(joiner.text.toString().startsWith('edited b')).toBe(true)
    expect(await limitCount(server, 'backpressure')).toBe(0)
  })

  it('disconnects a client that stops reading before its queue passes MAX_BUFFERED_BYTES; the room carries on', async () => {
    const maxBufferedBytes = 1024 * 1024
    const { server, wsUrl, port } = await startServer({ maxBufferedBytes })
    const writer = connectStockClient(wsUrl, 'slow')
    const reader = connectStockClient(wsUrl, 'slow')
    await Promise.all([synced(writer), synced(reader)])
    const slow = await connectRaw(`ws://127.0.0.1:${port}/ws/slow?user=slow`)
    await vi.waitFor(() => expect(slow.received.length).toBeGreaterThan(0), POLL)
    // Stop reading: the kernel buffers fill, then the server's queue for this socket grows.
    ;(slow.ws as WebSocket & { _socket: { pause(): void } })._socket.pause()
    const slowConnection = [...server.connections].find((c) => c.identity.userId === 'slow')!
    let maxQueued = 0
    const sampler = setInterval(() => {
      maxQueued = Math.max(maxQueued, slowConnection.ws.bufferedAmount)
    }, 5)

    const chunk = 64 * 1024
    const chunks = 160 // 10 MB, well past both sockets' kernel buffers (about 4 MB here) and the limit
    for (let i = 0; i < chunks; i++) {
      writer.text.insert(writer.text.length, String(i % 10).repeat(chunk))
      // Yield now and then so the reader in this process keeps up, as a healthy client would.
      if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, 2))
    }
    await vi.waitFor(() => expect(server.connections.has(slowConnection)).toBe(false), POLL)
    clearInterval(sampler)
    await vi.waitFor(() => expect(reader.text.length).toBe(chunk * chunks), POLL)
    expect(reader.text.toString()).toBe(writer.text.toString())
    expect(await limitCount(server, 'backpressure')).toBe(1)
    // The queue is checked before each frame is added: at most the limit plus one frame.
    expect(maxQueued, 'queued bytes stayed within the limit').toBeLessThanOrEqual(
      maxBufferedBytes + chunk + 16,
    )
    expect(maxQueued, 'the queue did fill up').toBeGreaterThan(maxBufferedBytes / 2)
    expect(server.connections.size).toBe(2)
  })
})
