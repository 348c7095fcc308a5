/** Raw HTTP over a TCP socket, for requests no HTTP client would send (duplicate headers, half requests). */
import net from 'node:net'
import { onTestFinished } from 'vitest'

export interface RawResponse {
  /** The status of the first response line, or 0 when the server closed without answering. */
  readonly status: number
  /** Everything the server sent, as latin1 text. */
  readonly text: string
}

const DEFAULT_DEADLINE_MS = 10_000

/**
 * Writes `request` (a whole HTTP request, `\r\n` line ends) and resolves once the server closed the
 * connection, or once a complete status line and headers arrived when `untilHeaders` is set (a 101
 * never closes). Rejects after `deadlineMs`.
 */
export function sendRaw(
  port: number,
  request: string | Buffer,
  options: { untilHeaders?: boolean; deadlineMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    onTestFinished(() => {
      socket.destroy()
    })
    let text = ''
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text)
      resolve({ status: match ? Number(match[1]) : 0, text })
    }
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within ${options.deadlineMs ?? DEFAULT_DEADLINE_MS} ms; got: ${text}`))
    }, options.deadlineMs ?? DEFAULT_DEADLINE_MS)
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      if (options.untilHeaders && text.includes('\r\n\r\n')) finish()
    })
    socket.on('error', () => finish())
    socket.on('close', () => finish())
    socket.write(request)
  })
}

/**
 * Headers of a well-formed WebSocket upgrade, as `[name, value]` pairs so tests can repeat or drop
 * some (for a plain upgrade, clients.ts `rawUpgrade` is simpler).
 */
export function upgradeHeaders(): Array<[string, string]> {
  return [
    ['Host', '127.0.0.1'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Version', '13'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ]
}

/** `METHOD path HTTP/1.1`, the headers, a blank line and the body. */
export function formatRequest(
  method: string,
  path: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body = '',
): string {
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return `${method} ${path} HTTP/1.1\r\n${lines}\r\n${body}`
}
