/**
 * The ceiling for Node + ws on this machine: every binary frame is forwarded to the other sockets of
 * its room (the URL path), with no Yjs and no state. Run as a child process on PORT/HOST.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'

/** Same accept backlog as Tandem, so a connection storm measures the relay, not the kernel queue. */
const LISTEN_BACKLOG = 4096
/** "Service restart", as Tandem closes sockets on shutdown. */
const CLOSE_SERVICE_RESTART = 1012
const STOP_GRACE_MS = 2000

function startRelay(port: number, host: string): void {
  const rooms = new Map<string, Set<WebSocket>>()
  const httpServer = createServer((_request, response) => response.end('relay'))
  const wss = new WebSocketServer({ noServer: true })

  httpServer.on('upgrade', (request, socket, head) => {
    const room = request.url ?? '/'
    wss.handleUpgrade(request, socket, head, (ws) => {
      const members = rooms.get(room) ?? new Set<WebSocket>()
      rooms.set(room, members)
      members.add(ws)
      ws.on('message', (data: RawData, isBinary: boolean) => {
        for (const peer of members) if (peer !== ws) peer.send(data, { binary: isBinary })
      })
      ws.on('error', () => ws.terminate())
      ws.on('close', () => {
        members.delete(ws)
        if (members.size === 0 && rooms.get(room) === members) rooms.delete(room)
      })
    })
  })

  httpServer.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
    console.log(JSON.stringify({ port: (httpServer.address() as AddressInfo).port, msg: 'listening' }))
  })
  process.on('SIGTERM', () => {
    for (const members of rooms.values()) for (const ws of members) ws.close(CLOSE_SERVICE_RESTART)
    httpServer.close(() => process.exit(0))
    httpServer.closeAllConnections()
    // Clients that never answer the close handshake must not hold the exit.
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref()
  })
}

startRelay(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1')
