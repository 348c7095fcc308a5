/**
 * The WebSocket upgrade: path and room checked, then the caller authenticated, all before a socket
 * or a room exists. Refusals are plain HTTP responses on the raw socket.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  API_ERROR_CODES,
  documentOfCommentsRoom,
  HTTP_STATUS,
  isValidRoomName,
  SAVED_ACK_PARAM,
  WEBSOCKET_PATH_PREFIX,
} from '@tandem/shared'
import type { WebSocket, WebSocketServer } from 'ws'
import { AuthError } from '../auth/AuthError'
import type { ConnectionIdentity } from '../connection/Connection'
import type { ConnectionLimits, ConnectionRefusal } from '../connection/ConnectionLimits'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { ApiError } from './ApiError'
import type { RateLimiter } from './RateLimiter'

/** Establishes who is connecting to `room`; throws AuthError (401/403) to refuse. */
export type Authenticate = (request: IncomingMessage, room: string) => Promise<ConnectionIdentity>

export interface UpgradeTarget {
  readonly room: string
  readonly identity: ConnectionIdentity
  readonly wantsSavedAcks: boolean
}

export interface UpgradeOptions {
  readonly wss: WebSocketServer
  readonly authenticate: Authenticate
  readonly metrics: Metrics
  readonly logger: Logger
  /** `socket` is the upgraded socket, the one `ws` runs on. */
  readonly onConnection: (ws: WebSocket, socket: Duplex, target: UpgradeTarget) => void
  /** False while shutting down: refuse with 503. */
  readonly isAccepting: () => boolean
  /** Node and room connection counts: a full node or room is refused with 503. */
  readonly limits: ConnectionLimits
  /**
   * Spent by every upgrade refused for the client's fault (4xx); an address with none left gets 429
   * before its token is even read, so scanning paths or guessing tokens costs it, not us.
   */
  readonly refusalLimiter: Pick<RateLimiter, 'check' | 'take'>
  /** The address `refusalLimiter` counts by (X-Forwarded-For from a trusted proxy, else the peer). */
  readonly clientAddress: (request: IncomingMessage) => string
}

/** What a client refused for a connection limit is told to wait before trying again. */
export const CONNECTION_LIMIT_RETRY_AFTER_SECONDS = 5

const LIMIT_MESSAGES: Record<ConnectionRefusal, string> = {
  'node-connections': 'this server is at its connection limit',
  'room-connections': 'this document is at its connection limit',
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * Parses `/ws/<room>` and `/ws/<room>/comments` (the document's comment threads, room name
 * `<room>/comments`); anything else is a 404 (an invalid room name is just another unknown path).
 */
export function parseRoom(url: URL): string {
  if (!url.pathname.startsWith(WEBSOCKET_PATH_PREFIX)) {
    throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no WebSocket endpoint at this path')
  }
  const room = url.pathname.slice(WEBSOCKET_PATH_PREFIX.length)
  if (!isValidRoomName(documentOfCommentsRoom(room) ?? room)) {
    throw new ApiError(
      HTTP_STATUS.NOT_FOUND,
      API_ERROR_CODES.NOT_FOUND,
      'room names are 1-128 characters of A-Z a-z 0-9 . _ ~ -',
    )
  }
  return room
}

function refuse(socket: Duplex, error: ApiError): void {
  const body = `${error.message}\n`
  const extra = Object.entries(error.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Error'}\r\n` +
      `Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

/** Turns what an upgrade check threw into the refusal to send (unexpected errors are logged). */
function toRefusal(error: unknown, logger: Logger): { refusal: ApiError; detail: string | undefined } {
  if (error instanceof ApiError) return { refusal: error, detail: undefined }
  if (error instanceof AuthError) return { refusal: ApiError.fromAuth(error), detail: error.detail }
  logger.error({ err: error }, 'upgrade failed')
  return {
    refusal: new ApiError(HTTP_STATUS.INTERNAL_ERROR, API_ERROR_CODES.INTERNAL_ERROR, 'internal error'),
    detail: undefined,
  }
}

/**
 * The upgrade probe: a plain `GET /ws/<room>?token=` answers what the upgrade would, 401/403/404 (or
 * 429) as the upgrade refuses, 426 when it would be accepted. Browsers hide why an upgrade was
 * refused (the socket just closes, 1006), so a client whose socket never opened asks here whether
 * its token is refused for good. Readable cross-origin (script-tag embeds): it tells the caller only
 * what connecting with the same URL would. Refusals spend the same per-address allowance.
 */
export function createUpgradeProbe(
  options: Pick<UpgradeOptions, 'authenticate' | 'logger' | 'refusalLimiter' | 'clientAddress'>,
) {
  return async (request: IncomingMessage): Promise<ApiError> => {
    const address = options.clientAddress(request)
    try {
      const allowance = options.refusalLimiter.check(address)
      if (!allowance.allowed) {
        throw new ApiError(
          HTTP_STATUS.TOO_MANY_REQUESTS,
          API_ERROR_CODES.RATE_LIMITED,
          'too many refused upgrades',
          {
            headers: { 'Retry-After': String(Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))) },
          },
        )
      }
      const room = parseRoom(new URL(request.url ?? '/', 'http://localhost'))
      await options.authenticate(request, documentOfCommentsRoom(room) ?? room)
      return new ApiError(
        HTTP_STATUS.UPGRADE_REQUIRED,
        API_ERROR_CODES.UPGRADE_REQUIRED,
        'connect with a WebSocket upgrade',
        {
          headers: { Upgrade: 'websocket', Connection: 'Upgrade' },
        },
      )
    } catch (error) {
      const { refusal } = toRefusal(error, options.logger)
      if (refusal.status >= 400 && refusal.status < 500 && refusal.status !== HTTP_STATUS.TOO_MANY_REQUESTS) {
        options.refusalLimiter.take(address)
      }
      return refusal
    }
  }
}

export function createUpgradeHandler(options: UpgradeOptions) {
  const { wss, metrics, logger } = options
  // One listener for every upgrading socket, removed once ws owns the socket (ws listens for its
  // errors from then on): a closure per socket would stay in memory for the socket's whole life.
  const onUpgradeSocketError = (error: Error) => logger.debug({ err: error }, 'upgrade socket error')
  return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', onUpgradeSocketError)
    const address = options.clientAddress(request)
    try {
      const allowance = options.refusalLimiter.check(address)
      if (!allowance.allowed) {
        metrics.countLimit('upgrade-refusals')
        throw new ApiError(
          HTTP_STATUS.TOO_MANY_REQUESTS,
          API_ERROR_CODES.RATE_LIMITED,
          'too many refused upgrades',
          {
            headers: { 'Retry-After': String(Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))) },
          },
        )
      }
      if (!options.isAccepting()) {
        throw new ApiError(
          HTTP_STATUS.SERVICE_UNAVAILABLE,
          API_ERROR_CODES.SERVICE_UNAVAILABLE,
          'server is shutting down',
        )
      }
      const url = new URL(request.url ?? '/', 'http://localhost')
      const room = parseRoom(url)
      // A comments room is reached with the document's own token (its room claim names the document).
      const identity = await options.authenticate(request, documentOfCommentsRoom(room) ?? room)
      const target: UpgradeTarget = {
        room,
        identity,
        wantsSavedAcks: url.searchParams.get(SAVED_ACK_PARAM) === '1',
      }
      if (socket.destroyed) return
      // Checked after the await, right before the socket exists: handleUpgrade calls back synchronously
      // and the connection is counted at once, so concurrent upgrades cannot overshoot the limits.
      const full = options.limits.refusal(room)
      if (full) {
        metrics.countLimit(full)
        throw new ApiError(
          HTTP_STATUS.SERVICE_UNAVAILABLE,
          API_ERROR_CODES.SERVICE_UNAVAILABLE,
          LIMIT_MESSAGES[full],
          {
            headers: { 'Retry-After': String(CONNECTION_LIMIT_RETRY_AFTER_SECONDS) },
          },
        )
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', onUpgradeSocketError)
        options.onConnection(ws, socket, target)
      })
    } catch (error) {
      const { refusal, detail } = toRefusal(error, logger)
      const clientFault = refusal.status >= 400 && refusal.status < 500
      if (clientFault && refusal.status !== HTTP_STATUS.TOO_MANY_REQUESTS)
        options.refusalLimiter.take(address)
      // Debug, not info: anyone can cause these by the thousand; the counter is what to watch.
      if (clientFault) {
        logger.debug({ status: refusal.status, reason: refusal.message, detail, address }, 'upgrade refused')
      }
      metrics.upgradesRefused.labels(String(refusal.status)).inc()
      refuse(socket, refusal)
    }
  }
}
