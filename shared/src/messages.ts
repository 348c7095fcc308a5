/**
 * Codec for y-websocket frames: `readMessage` turns one inbound frame into a typed message or
 * throws MalformedMessageError; the `encode*` functions build the frames a server sends.
 * Payloads stay opaque bytes here: applying them is the Yjs layer's job.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { AUTH_TYPE, MESSAGE_TYPE, SYNC_TYPE } from './protocol'

export type Message =
  | { readonly type: 'sync-step1'; readonly stateVector: Uint8Array }
  | { readonly type: 'sync-step2'; readonly update: Uint8Array }
  | { readonly type: 'sync-update'; readonly update: Uint8Array }
  | { readonly type: 'awareness'; readonly update: Uint8Array }
  | { readonly type: 'auth'; readonly payload: Uint8Array }
  | { readonly type: 'query-awareness' }
  | { readonly type: 'saved'; readonly stateVector: Uint8Array }

export type MessageKind = Message['type']

/** A frame that is not one well-formed y-websocket message. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

function readBody(decoder: decoding.Decoder): Message {
  const outer = decoding.readVarUint(decoder)
  switch (outer) {
    case MESSAGE_TYPE.SYNC: {
      const inner = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (inner === SYNC_TYPE.STEP1) return { type: 'sync-step1', stateVector: payload }
      if (inner === SYNC_TYPE.STEP2) return { type: 'sync-step2', update: payload }
      if (inner === SYNC_TYPE.UPDATE) return { type: 'sync-update', update: payload }
      throw new MalformedMessageError(`unknown sync message type ${inner}`)
    }
    case MESSAGE_TYPE.AWARENESS:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MESSAGE_TYPE.AUTH:
      return { type: 'auth', payload: decoding.readTailAsUint8Array(decoder) }
    case MESSAGE_TYPE.QUERY_AWARENESS:
      return { type: 'query-awareness' }
    case MESSAGE_TYPE.SAVED:
      return { type: 'saved', stateVector: decoding.readVarUint8Array(decoder) }
    default:
      throw new MalformedMessageError(`unknown message type ${outer}`)
  }
}

/** Decodes one frame. Trailing bytes are refused: no stock client sends them. */
export function readMessage(frame: Uint8Array): Message {
  const decoder = decoding.createDecoder(frame)
  let message: Message
  try {
    message = readBody(decoder)
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error
    // lib0 throws plain Errors for truncated varints and lengths past the end of the frame.
    throw new MalformedMessageError(`truncated message: ${(error as Error).message}`)
  }
  if (decoding.hasContent(decoder)) throw new MalformedMessageError('trailing bytes after message')
  return message
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

function encodeSync(inner: number, payload: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_TYPE.SYNC)
    encoding.writeVarUint(encoder, inner)
    encoding.writeVarUint8Array(encoder, payload)
  })
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array =>
  encodeSync(SYNC_TYPE.STEP1, stateVector)
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SYNC_TYPE.STEP2, update)
export const encodeSyncUpdate = (update: Uint8Array): Uint8Array => encodeSync(SYNC_TYPE.UPDATE, update)

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_TYPE.AWARENESS)
    encoding.writeVarUint8Array(encoder, update)
  })
}

/**
 * An awareness message with no entries (a y-protocols awareness update whose entry count is 0), which
 * every client applies as a no-op: the server's keepalive for stock clients, which drop a socket
 * that received nothing for 30 s.
 */
export function encodeEmptyAwareness(): Uint8Array {
  return encodeAwareness(frame((encoder) => encoding.writeVarUint(encoder, 0)))
}

export function encodeQueryAwareness(): Uint8Array {
  return frame((encoder) => encoding.writeVarUint(encoder, MESSAGE_TYPE.QUERY_AWARENESS))
}

/** y-protocols/auth "permission denied" with a human-readable reason. */
export function encodePermissionDenied(reason: string): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_TYPE.AUTH)
    encoding.writeVarUint(encoder, AUTH_TYPE.PERMISSION_DENIED)
    encoding.writeVarString(encoder, reason)
  })
}

export function encodeSaved(stateVector: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_TYPE.SAVED)
    encoding.writeVarUint8Array(encoder, stateVector)
  })
}

/**
 * Reads a SAVED payload from a decoder positioned after the message type, as y-websocket's
 * `provider.messageHandlers[type]` receive it.
 */
export function readSavedMessage(decoder: decoding.Decoder): Uint8Array {
  return decoding.readVarUint8Array(decoder)
}

/**
 * The update a SYNC message carries (step 2 or update), read from a copy of a decoder positioned after
 * the message type, so the decoder itself is left for y-websocket's own handler; null for step 1.
 */
export function peekSyncUpdate(decoder: decoding.Decoder): Uint8Array | null {
  const copy = decoding.clone(decoder)
  const syncType = decoding.readVarUint(copy)
  if (syncType !== SYNC_TYPE.STEP2 && syncType !== SYNC_TYPE.UPDATE) return null
  return decoding.readVarUint8Array(copy)
}
