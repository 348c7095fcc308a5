/**
 * One periodic sweep for every connection: terminate sockets that missed a pong, ping the rest, and
 * send a tiny message to sockets that heard nothing lately, because the stock y-websocket client
 * drops a socket that received no message for 30 s (pings do not count).
 */
import { encodeEmptyAwareness } from '@tandem/shared'
import type { Metrics } from '../metrics'
import type { Connection } from './Connection'

/** Every client applies it as a no-op; encoded once, shared by every socket. */
const KEEPALIVE_FRAME = encodeEmptyAwareness()

export function startHeartbeat(
  connections: ReadonlySet<Connection>,
  intervalMs: number,
  metrics: Metrics,
): () => void {
  const sweep = (connection: Connection, now: number) => {
    if (!connection.isAlive) {
      metrics.closes.labels('heartbeat').inc()
      connection.ws.terminate()
      return
    }
    connection.isAlive = false
    connection.ws.ping()
    // Half the interval keeps the longest silence near 1.5 intervals, well under the client's 30 s.
    if (now - connection.lastSentAtMs >= intervalMs / 2) connection.send(KEEPALIVE_FRAME, 'keepalive')
  }
  const timer = setInterval(() => {
    const now = Date.now()
    for (const connection of connections) {
      // One socket's failure must neither skip the others nor escape the timer (that ends the process).
      try {
        sweep(connection, now)
      } catch {
        metrics.countInternalError('heartbeat')
        connection.ws.terminate()
      }
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
