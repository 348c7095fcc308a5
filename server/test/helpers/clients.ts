/** Stock y-websocket clients (Node, `ws` as the WebSocket) and raw sockets for tests; torn down with the test. */
import { type IncomingHttpHeaders, request } from 'node:http'
import { onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

export interface StockClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly text: Y.Text
}

/** A stock `WebsocketProvider`, exactly as an app would create it. */
export function connectStockClient(
  wsUrl: string,
  room: string,
  params: Record<string, string> = {},
  options: { connect?: boolean; clientId?: number } = {},
): StockClient {
  const doc = new Y.Doc()
  // Set before the provider exists: its awareness takes the doc's id when it is created.
  if (options.clientId !== undefined) doc.clientID = options.clientId
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    params,
    disableBc: true,
    connect: options.connect ?? true,
    // ws's WebSocket is API-compatible with the browser one the provider expects.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  })
  onTestFinished(() => {
    provider.destroy()
    doc.destroy()
  })
  return { doc, provider, text: doc.getText('t') }
}

export interface RawClient {
  readonly ws: WebSocket
  readonly received: Uint8Array[]
  /** Resolves with the close code once the server closed the socket. */
  readonly closed: Promise<number>
}

/** A bare `ws` socket, for sending frames no stock client would. */
export async function connectRaw(url: string, options: { autoPong?: boolean } = {}): Promise<RawClient> {
  const ws = new WebSocket(url, { autoPong: options.autoPong ?? true })
  const received: Uint8Array[] = []
  ws.on('message', (data) => received.push(new Uint8Array(data as Buffer)))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  onTestFinished(() => ws.terminate())
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, received, closed }
}

/** Resolves once the provider has completed its first sync. */
export function synced(client: StockClient): Promise<void> {
  if (client.provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return
      client.provider.off('sync', onSync)
      resolve()
    }
    client.provider.on('sync', onSync)
  })
}

/** Sends a bare upgrade request; resolves with the status (101 when accepted) and any refusal body. */
export function rawUpgrade(
  port: number,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      host: '127.0.0.1',
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' })
    })
    req.on('response', (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
