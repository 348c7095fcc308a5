/**
 * The relay's wire format: one pub/sub message is one envelope, encoded with lib0.
 *
 *   varUint  format version (RELAY_FORMAT_VERSION)
 *   varString  sender node id
 *   float64  send time, epoch milliseconds (for the lag metric; nodes' clocks are assumed synced)
 *   varUint  kind (RELAY_KIND_CODE)
 *   kind payload: update / awareness: varUint8Array update; sync-request: varUint8Array state
 *                 vector; sync-reply: varString addressee, varUint8Array update, varUint8Array
 *                 state vector; revoke: varString document id, varString key id;
 *                 delete-document: varString document id
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { RelayEnvelope, RelayMessage, RelayMessageKind } from './Relay'

/**
 * Bumped on any incompatible change, so a node in a rolling upgrade rejects instead of misreading.
 * A new kind is not one: an older node drops it as unknown (logged) and reads everything else.
 */
export const RELAY_FORMAT_VERSION = 2

export const RELAY_KIND_CODE = {
  update: 0,
  awareness: 1,
  'sync-request': 2,
  'sync-reply': 3,
  revoke: 4,
  'delete-document': 5,
} as const satisfies Record<RelayMessageKind, number>

/** An envelope as it travels: plus the sender's clock at publish time. */
export interface TimedRelayEnvelope extends RelayEnvelope {
  readonly sentAtMs: number
}

/** Thrown for bytes that are not a relay envelope this node understands. */
export class RelayCodecError extends Error {
  override name = 'RelayCodecError'
}

export function writeRelayEnvelope(encoder: encoding.Encoder, envelope: TimedRelayEnvelope): void {
  const { message } = envelope
  encoding.writeVarUint(encoder, RELAY_FORMAT_VERSION)
  encoding.writeVarString(encoder, envelope.from)
  encoding.writeFloat64(encoder, envelope.sentAtMs)
  encoding.writeVarUint(encoder, RELAY_KIND_CODE[message.kind])
  switch (message.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update)
      return
    case 'sync-request':
      encoding.writeVarUint8Array(encoder, message.stateVector)
      return
    case 'sync-reply':
      encoding.writeVarString(encoder, message.to)
      encoding.writeVarUint8Array(encoder, message.update)
      encoding.writeVarUint8Array(encoder, message.stateVector)
      return
    case 'revoke':
      encoding.writeVarString(encoder, message.documentId)
      encoding.writeVarString(encoder, message.keyId)
      return
    case 'delete-document':
      encoding.writeVarString(encoder, message.documentId)
      return
  }
}

/**
 * Payloads are copied: the input is often a view into a larger socket buffer, which a retained
 * update would otherwise pin in memory.
 */
function readBytes(decoder: decoding.Decoder): Uint8Array {
  return decoding.readVarUint8Array(decoder).slice()
}

function readMessage(decoder: decoding.Decoder, kindCode: number): RelayMessage {
  switch (kindCode) {
    case RELAY_KIND_CODE.update:
      return { kind: 'update', update: readBytes(decoder) }
    case RELAY_KIND_CODE.awareness:
      return { kind: 'awareness', update: readBytes(decoder) }
    case RELAY_KIND_CODE['sync-request']:
      return { kind: 'sync-request', stateVector: readBytes(decoder) }
    case RELAY_KIND_CODE['sync-reply']: {
      const to = decoding.readVarString(decoder)
      const update = readBytes(decoder)
      return { kind: 'sync-reply', to, update, stateVector: readBytes(decoder) }
    }
    case RELAY_KIND_CODE.revoke: {
      const documentId = decoding.readVarString(decoder)
      return { kind: 'revoke', documentId, keyId: decoding.readVarString(decoder) }
    }
    case RELAY_KIND_CODE['delete-document']:
      return { kind: 'delete-document', documentId: decoding.readVarString(decoder) }
    default:
      throw new RelayCodecError(`unknown relay message kind ${kindCode}`)
  }
}

/** Reads one envelope; throws RelayCodecError (never anything else) on malformed input. */
export function readRelayEnvelope(decoder: decoding.Decoder): TimedRelayEnvelope {
  try {
    const version = decoding.readVarUint(decoder)
    if (version !== RELAY_FORMAT_VERSION) {
      throw new RelayCodecError(`relay format version ${version}, expected ${RELAY_FORMAT_VERSION}`)
    }
    const from = decoding.readVarString(decoder)
    const sentAtMs = decoding.readFloat64(decoder)
    const message = readMessage(decoder, decoding.readVarUint(decoder))
    return { from, sentAtMs, message }
  } catch (error) {
    if (error instanceof RelayCodecError) throw error
    throw new RelayCodecError(`malformed relay envelope: ${(error as Error).message}`, { cause: error })
  }
}

/** One envelope as a standalone byte array (one pub/sub message). */
export function encodeRelayEnvelope(envelope: TimedRelayEnvelope): Uint8Array {
  const encoder = encoding.createEncoder()
  writeRelayEnvelope(encoder, envelope)
  return encoding.toUint8Array(encoder)
}

/** Decodes one whole pub/sub message; trailing bytes are an error, not ignored. */
export function decodeRelayEnvelope(bytes: Uint8Array): TimedRelayEnvelope {
  const decoder = decoding.createDecoder(bytes)
  const envelope = readRelayEnvelope(decoder)
  if (decoding.hasContent(decoder)) {
    throw new RelayCodecError(`${bytes.length - decoder.pos} trailing bytes after relay envelope`)
  }
  return envelope
}
