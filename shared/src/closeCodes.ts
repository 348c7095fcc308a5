/** Every WebSocket close code the Tandem server sends, with what a client should do about it. */

/** What a client does after a close: reconnect with backoff, fetch a new token first, or give up. */
export const RETRY_POLICIES = ['reconnect', 'refresh-token', 'stop'] as const
export type RetryPolicy = (typeof RETRY_POLICIES)[number]

export interface CloseCode {
  readonly code: number
  readonly reason: string
  readonly retry: RetryPolicy
}

/**
 * The one table of close codes. Application codes follow Hocuspocus and y-redis: 4000 + the HTTP
 * status that means the same thing; 44xx are the client's fault, 45xx the server's.
 * docs/protocol.md mirrors this table; a test keeps the two in step.
 */
export const CLOSE_CODES = {
  /** Graceful server shutdown or restart: come back shortly. */
  SERVICE_RESTART: { code: 1012, reason: 'server restarting', retry: 'reconnect' },
  /** Sent by `ws` itself when a frame exceeds MAX_MESSAGE_BYTES. */
  MESSAGE_TOO_BIG: { code: 1009, reason: 'message too big', retry: 'stop' },
  /** An unexpected server error while handling this connection; logged with context. */
  INTERNAL_ERROR: { code: 1011, reason: 'internal error', retry: 'reconnect' },
  /** The client does not read fast enough; its outbound buffer passed MAX_BUFFERED_BYTES. */
  BACKPRESSURE: { code: 1013, reason: 'client too slow, try again later', retry: 'reconnect' },
  /** A frame that is not a valid y-websocket message (truncated varint, unknown type, bad update). */
  MALFORMED_MESSAGE: { code: 4400, reason: 'malformed message', retry: 'stop' },
  /** The token expired during the session: get a fresh one, then reconnect. */
  TOKEN_EXPIRED: { code: 4401, reason: 'token expired', retry: 'refresh-token' },
  /** Access was revoked or the document deleted while connected. */
  FORBIDDEN: { code: 4403, reason: 'forbidden', retry: 'stop' },
  /**
   * An update wrote structs under a Yjs client id another live connection (of another token subject)
   * owns in this room. Nothing was stored. Ownership ends when that connection closes, so reconnecting
   * works once a stale socket of the same browser is gone; a stock Yjs client that receives the
   * owner's structs under its id picks a new id by itself.
   */
  CLIENT_ID_IN_USE: { code: 4409, reason: 'client id in use by another connection', retry: 'reconnect' },
  /**
   * The update depends on structs or deletions the document does not have, and what the room would
   * hold waiting for them passes MAX_PENDING_BYTES. Neither stored nor applied. Honest clients only
   * get here in a race (a change from another tab not yet arrived); reconnecting resyncs.
   */
  PENDING_TOO_LARGE: {
    code: 4422,
    reason: 'update depends on too much the document lacks',
    retry: 'reconnect',
  },
  /**
   * The client sent messages faster than the per-connection rate limit allows, or announced presence
   * under more client ids than MAX_AWARENESS_CLIENTS_PER_CONNECTION.
   */
  RATE_LIMITED: { code: 4429, reason: 'rate limit exceeded', retry: 'reconnect' },
  /** The document was deleted (`DELETE /api/documents/:id`) while connected; it is gone on every node. */
  DOCUMENT_DELETED: { code: 4410, reason: 'document deleted', retry: 'stop' },
  /** The document grew past MAX_DOCUMENT_BYTES; the update was not applied. */
  DOCUMENT_TOO_LARGE: { code: 4413, reason: 'document too large', retry: 'stop' },
  /** The room's stored state could not be loaded; the stored data is untouched. */
  ROOM_LOAD_FAILED: { code: 4500, reason: 'document could not be loaded', retry: 'reconnect' },
  /** The server cannot store edits right now (disk full, database unreachable): nothing was acknowledged. */
  STORAGE_UNAVAILABLE: { code: 4503, reason: 'storage unavailable', retry: 'reconnect' },
} as const satisfies Record<string, CloseCode>

export type CloseCodeName = keyof typeof CLOSE_CODES

/** The entry for a numeric code, or undefined for codes Tandem never sends (e.g. 1006 abnormal close). */
export function describeCloseCode(code: number): CloseCode | undefined {
  return Object.values(CLOSE_CODES).find((entry) => entry.code === code)
}
