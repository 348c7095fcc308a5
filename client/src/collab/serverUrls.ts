/** Turns the server URL a host app passes in into the HTTP and WebSocket bases the client uses. */

/** Path of the WebSocket endpoint; y-websocket appends `/<room>?<params>`. */
export const WEBSOCKET_PATH = '/ws'

/**
 * HTTP(S) base URL without a trailing slash. `serverUrl` may be http(s), ws(s) or empty (same origin
 * as `pageUrl`).
 */
export function toHttpBase(serverUrl: string, pageUrl: string): string {
  const url = new URL(serverUrl === '' ? '/' : serverUrl, pageUrl)
  if (url.protocol === 'ws:') url.protocol = 'http:'
  if (url.protocol === 'wss:') url.protocol = 'https:'
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** WebSocket endpoint base (`ws(s)://host[/prefix]/ws`) for y-websocket's `serverUrl` argument. */
export function toWebSocketBase(serverUrl: string, pageUrl: string): string {
  const http = new URL(toHttpBase(serverUrl, pageUrl))
  http.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${http.origin}${http.pathname.replace(/\/+$/, '')}${WEBSOCKET_PATH}`
}
