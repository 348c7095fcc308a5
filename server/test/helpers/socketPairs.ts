/**
 * Real socket pairs for unit tests of the connection layer: a ws server on a free port, and both ends
 * of each socket opened to it. Everything is torn down with the test.
 */
import type { AddressInfo, Socket } from 'node:net'
import { onTestFinished } from 'vitest'
import { type ClientOptions, WebSocket, WebSocketServer } from 'ws'

export interface SocketPair {
  /** The server's end, as the upgrade hands it to the connection layer. */
  readonly server: WebSocket
  /** The upgraded socket `server` runs on (the request's), which the connection layer also writes to. */
  readonly serverSocket: Socket
  /** A stock ws client. */
  readonly client: WebSocket
  /** Binary frames the client received, in order. */
  readonly received: Uint8Array[]
  /** The close code the client saw, and when (ms since the epoch). */
  readonly closed: Promise<{ readonly code: number; readonly atMs: number }>
}

export interface SocketPairs {
  /** `client` options go to the ws client (e.g. `autoPong: false` for one that never answers pings). */
  open(client?: ClientOptions): Promise<SocketPair>
}

export async function startSocketPairs(): Promise<SocketPairs> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((resolve) => wss.once('listening', resolve))
  const { port } = wss.address() as AddressInfo
  const clients: WebSocket[] = []
  onTestFinished(async () => {
    for (const client of clients) client.terminate()
    await new Promise((resolve) => wss.close(resolve))
  })
  return {
    async open(clientOptions) {
      const server = new Promise<[WebSocket, Socket]>((resolve) =>
        wss.once('connection', (ws, request) => resolve([ws, request.socket])),
      )
      const client = new WebSocket(`ws://127.0.0.1:${port}`, clientOptions)
      clients.push(client)
      const received: Uint8Array[] = []
      client.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
      const closed = new Promise<{ code: number; atMs: number }>((resolve) =>
        client.once('close', (code) => resolve({ code, atMs: Date.now() })),
      )
      await new Promise((resolve, reject) => {
        client.once('open', resolve)
        client.once('error', reject)
      })
      const [serverEnd, serverSocket] = await server
      return { server: serverEnd, serverSocket, client, received, closed }
    },
  }
}
