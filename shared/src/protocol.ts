/**
 * The y-websocket wire protocol (y-protocols PROTOCOL.md) plus Tandem's one opt-in extension.
 * One binary frame is one message: varUint outer type, then the type's payload.
 */
export const MESSAGE_TYPE = {
  SYNC: 0,
  AWARENESS: 1,
  AUTH: 2,
  QUERY_AWARENESS: 3,
  /**
   * Tandem extension: "everything up to this state vector is durably stored". Sent only to clients
   * that opted in with `?saved=1` on the URL, because stock y-websocket clients log an error for
   * message types they do not know.
   */
  SAVED: 100,
} as const
export type MessageType = (typeof MESSAGE_TYPE)[keyof typeof MESSAGE_TYPE]

/** Inner type of a SYNC message (y-protocols/sync). */
export const SYNC_TYPE = {
  STEP1: 0,
  STEP2: 1,
  UPDATE: 2,
} as const

/** Inner type of an AUTH message (y-protocols/auth). */
export const AUTH_TYPE = { PERMISSION_DENIED: 0 } as const

/** Query parameter a client sets to receive SAVED messages. */
export const SAVED_ACK_PARAM = 'saved'
