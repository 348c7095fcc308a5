/**
 * The frames a simulated client sends and reads, per server protocol: stock y-websocket (Tandem, the
 * y-websocket server, the bare relay) and Hocuspocus, which prefixes every frame with the document name.
 */
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  readMessage,
  SYNC_TYPE,
} from '@tandem/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export type WireKind = 'y-websocket' | 'hocuspocus' | 'relay'

/** What a client makes of one inbound frame. */
export type Incoming =
  | { readonly kind: 'step1'; readonly stateVector: Uint8Array }
  | { readonly kind: 'step2'; readonly update: Uint8Array }
  | { readonly kind: 'update'; readonly update: Uint8Array }
  | { readonly kind: 'awareness'; readonly update: Uint8Array }
  | { readonly kind: 'other' }

export interface WireCodec {
  readonly kind: WireKind
  /** False for the relay: it holds no document, so a client counts as synced once its socket is open. */
  readonly serverSyncs: boolean
  /** Frames a client sends as soon as its socket opens. */
  openingFrames(room: string, stateVector: Uint8Array): Uint8Array[]
  syncStep1(room: string, stateVector: Uint8Array): Uint8Array
  syncStep2(room: string, update: Uint8Array): Uint8Array
  update(room: string, update: Uint8Array): Uint8Array
  awareness(room: string, update: Uint8Array): Uint8Array
  read(frame: Uint8Array): Incoming
}

const OTHER: Incoming = { kind: 'other' }

function readYWebsocket(frame: Uint8Array): Incoming {
  const message = readMessage(frame)
  switch (message.type) {
    case 'sync-step1':
      return { kind: 'step1', stateVector: message.stateVector }
    case 'sync-step2':
      return { kind: 'step2', update: message.update }
    case 'sync-update':
      return { kind: 'update', update: message.update }
    case 'awareness':
      return { kind: 'awareness', update: message.update }
    default:
      return OTHER
  }
}

const yWebsocketFrames = {
  syncStep1: (_room: string, stateVector: Uint8Array) => encodeSyncStep1(stateVector),
  syncStep2: (_room: string, update: Uint8Array) => encodeSyncStep2(update),
  update: (_room: string, update: Uint8Array) => encodeSyncUpdate(update),
  awareness: (_room: string, update: Uint8Array) => encodeAwareness(update),
  read: readYWebsocket,
}

const yWebsocketCodec: WireCodec = {
  kind: 'y-websocket',
  serverSyncs: true,
  openingFrames: (_room, stateVector) => [encodeSyncStep1(stateVector)],
  ...yWebsocketFrames,
}

/** Same frames as y-websocket, but no step 1: every peer in the room would answer it with a step 2. */
const relayCodec: WireCodec = {
  kind: 'relay',
  serverSyncs: false,
  openingFrames: () => [],
  ...yWebsocketFrames,
}

/** Hocuspocus message types (@hocuspocus/server types.ts) that the load client uses. */
const HOCUSPOCUS_TYPE = { SYNC: 0, AWARENESS: 1, AUTH: 2, SYNC_REPLY: 4 } as const
/** Hocuspocus auth sub-type for "here is my token". */
const HOCUSPOCUS_AUTH_TOKEN = 0
/** Any token passes: the benchmark server has no onAuthenticate hook. */
const HOCUSPOCUS_TOKEN = 'bench'

function hocuspocusFrame(room: string, type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, room)
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

function hocuspocusSync(room: string, inner: number, payload: Uint8Array): Uint8Array {
  return hocuspocusFrame(room, HOCUSPOCUS_TYPE.SYNC, (encoder) => {
    encoding.writeVarUint(encoder, inner)
    encoding.writeVarUint8Array(encoder, payload)
  })
}

function readHocuspocus(frame: Uint8Array): Incoming {
  const decoder = decoding.createDecoder(frame)
  decoding.readVarString(decoder)
  const type = decoding.readVarUint(decoder)
  if (type === HOCUSPOCUS_TYPE.SYNC || type === HOCUSPOCUS_TYPE.SYNC_REPLY) {
    const inner = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (inner === SYNC_TYPE.STEP1) return { kind: 'step1', stateVector: payload }
    if (inner === SYNC_TYPE.STEP2) return { kind: 'step2', update: payload }
    if (inner === SYNC_TYPE.UPDATE) return { kind: 'update', update: payload }
    return OTHER
  }
  if (type === HOCUSPOCUS_TYPE.AWARENESS)
    return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) }
  return OTHER
}

/** Hocuspocus: authenticate the document first; the server queues everything else until then. */
const hocuspocusCodec: WireCodec = {
  kind: 'hocuspocus',
  serverSyncs: true,
  openingFrames: (room, stateVector) => [
    hocuspocusFrame(room, HOCUSPOCUS_TYPE.AUTH, (encoder) => {
      encoding.writeVarUint(encoder, HOCUSPOCUS_AUTH_TOKEN)
      encoding.writeVarString(encoder, HOCUSPOCUS_TOKEN)
    }),
    hocuspocusSync(room, SYNC_TYPE.STEP1, stateVector),
  ],
  syncStep1: (room, stateVector) => hocuspocusSync(room, SYNC_TYPE.STEP1, stateVector),
  syncStep2: (room, update) => hocuspocusSync(room, SYNC_TYPE.STEP2, update),
  update: (room, update) => hocuspocusSync(room, SYNC_TYPE.UPDATE, update),
  awareness: (room, update) =>
    hocuspocusFrame(room, HOCUSPOCUS_TYPE.AWARENESS, (encoder) =>
      encoding.writeVarUint8Array(encoder, update),
    ),
  read: readHocuspocus,
}

const CODECS: Record<WireKind, WireCodec> = {
  'y-websocket': yWebsocketCodec,
  relay: relayCodec,
  hocuspocus: hocuspocusCodec,
}

export function wireCodec(kind: WireKind): WireCodec {
  return CODECS[kind]
}
