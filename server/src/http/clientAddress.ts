/** Who a request comes from, for rate limits and logs: the socket's peer, or what our own proxy says. */
import type { IncomingMessage } from 'node:http'

/**
 * The address to rate-limit by. Behind a trusted proxy it is the last X-Forwarded-For entry: the
 * one our proxy added. Earlier entries come from the client and could be anything.
 */
export function clientAddress(trustProxy: boolean): (req: IncomingMessage) => string {
  return (req) => {
    const forwarded = req.headers['x-forwarded-for']
    if (trustProxy && typeof forwarded === 'string') {
      const last = forwarded.split(',').at(-1)?.trim()
      if (last) return last
    }
    return req.socket.remoteAddress ?? 'unknown'
  }
}
