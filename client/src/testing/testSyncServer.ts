/**
 * A real y-websocket-protocol server for client tests (the Tandem server is tested in its own
 * workspace): one Y.Doc per server, SAVED acknowledgements after every applied update, scripted closes.
 */
import type { AddressInfo } from 'node:net'
import { encodeAwareness, encodeSaved, MESSAGE_TYPE } from '@tandem/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket, WebSocketServer } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

export interface TestConnection {
  url: URL
  token: string | null
  socket: WebSocket
}

export interface TestSyncServer {
  /** `http://127.0.0.1:<port>`: what a client passes as serverUrl. */
  url: string
  doc: Y.Doc
  connections: TestConnection[]
  /** Decides per connection: return a close code to close right after the socket opens. */
  closeOnOpen: (connection: TestConnection) => number | null
  /** Whether to send SAVED acknowledgements. */
  acknowledge: boolean
  /** Client ids named in each awareness update received, in order. */
  awarenessReceived: number[][]
  /** Sends an awareness update (y-protocols encoding) to every open socket. */
  sendAwareness(update: Uint8Array): void
  openSockets(): number
  close(): Promise<void>
}

export async function startTestSyncServer(): Promise<TestSyncServer> {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const port = (wss.address() as AddressInfo).port

  const server: TestSyncServer = {
    url: `http://127.0.0.1:${port}`,
    doc,
    connections: [],
    closeOnOpen: () => null,
    acknowledge: true,
    awarenessReceived: [],
    sendAwareness: (update) => {
      for (const socket of wss.clients)
        if (socket.readyState === WebSocket.OPEN) socket.send(encodeAwareness(update))
    },
    openSockets: () => [...wss.clients].filter((socket) => socket.readyState === WebSocket.OPEN).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate()
        awareness.destroy()
        wss.close(() => resolve())
      }),
  }

  const send = (socket: WebSocket, encoder: encoding.Encoder) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encoding.toUint8Array(encoder))
  }
  const sendSaved = (socket: WebSocket) => {
    if (!server.acknowledge) return
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeSaved(Y.encodeStateVector(doc)))
  }

  wss.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', server.url)
    const connection: TestConnection = { url, token: url.searchParams.get('token'), socket }
    server.connections.push(connection)
    const closeCode = server.closeOnOpen(connection)
    if (closeCode !== null) {
      socket.close(closeCode, 'scripted')
      return
    }
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === socket) return
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_TYPE.SYNC)
      syncProtocol.writeUpdate(encoder, update)
      send(socket, encoder)
    }
    doc.on('update', onUpdate)
    socket.on('close', () => doc.off('update', onUpdate))
    socket.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      const encoder = encoding.createEncoder()
      const type = decoding.readVarUint(decoder)
      if (type === MESSAGE_TYPE.SYNC) {
        encoding.writeVarUint(encoder, MESSAGE_TYPE.SYNC)
        const syncType = syncProtocol.readSyncMessage(decoder, encoder, doc, socket)
        if (encoding.length(encoder) > 1) send(socket, encoder)
        // Everything is "durable" at once here: acknowledge every applied step 2 or update.
        if (syncType !== syncProtocol.messageYjsSyncStep1) sendSaved(socket)
      } else if (type === MESSAGE_TYPE.AWARENESS) {
        const update = decoding.readVarUint8Array(decoder)
        server.awarenessReceived.push(awarenessClientIds(update))
        awarenessProtocol.applyAwarenessUpdate(awareness, update, socket)
      }
    })
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MESSAGE_TYPE.SYNC)
    syncProtocol.writeSyncStep1(step1, doc)
    send(socket, step1)
    sendSaved(socket)
  })
  return server
}

function awarenessClientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update)
  const ids: number[] = []
  const count = decoding.readVarUint(decoder)
  for (let i = 0; i < count; i++) {
    ids.push(decoding.readVarUint(decoder))
    decoding.readVarUint(decoder)
    decoding.readVarString(decoder)
  }
  return ids
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
