import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import {
  encodeAwareness,
  encodeEmptyAwareness,
  encodePermissionDenied,
  encodeQueryAwareness,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MalformedMessageError,
  peekSyncUpdate,
  readMessage,
} from './messages'
import { AUTH_TYPE, MESSAGE_TYPE } from './protocol'

const bytes = Uint8Array.from([1, 2, 3])

describe('readMessage', () => {
  it('reads back every frame the encoders write', () => {
    expect(readMessage(encodeSyncStep1(bytes))).toEqual({ type: 'sync-step1', stateVector: bytes })
    expect(readMessage(encodeSyncStep2(bytes))).toEqual({ type: 'sync-step2', update: bytes })
    expect(readMessage(encodeSyncUpdate(bytes))).toEqual({ type: 'sync-update', update: bytes })
    expect(readMessage(encodeAwareness(bytes))).toEqual({ type: 'awareness', update: bytes })
    expect(readMessage(encodeQueryAwareness())).toEqual({ type: 'query-awareness' })
    expect(readMessage(encodeSaved(bytes))).toEqual({ type: 'saved', stateVector: bytes })
  })

  it('refuses empty, truncated, unknown and over-long frames', () => {
    const unknownOuter = Uint8Array.from([42])
    const unknownSync = Uint8Array.from([0, 7, 0])
    const lengthPastEnd = Uint8Array.from([0, 2, 50, 1, 2])
    const truncatedVarint = Uint8Array.from([0, 0x80])
    const hugeVarint = Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
    const trailing = Uint8Array.from([...encodeSyncUpdate(bytes), 9])
    for (const frame of [
      new Uint8Array(0),
      unknownOuter,
      unknownSync,
      lengthPastEnd,
      truncatedVarint,
      hugeVarint,
      trailing,
    ]) {
      expect(() => readMessage(frame), String(frame)).toThrow(MalformedMessageError)
    }
  })

  it('reads the varUint type framing the stock client uses', () => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarUint8Array(encoder, new Uint8Array([0]))
    expect(readMessage(encoding.toUint8Array(encoder)).type).toBe('sync-step1')
  })
})

describe('server-only frames', () => {
  it('writes the keepalive as an awareness message with zero entries, the bytes docs/protocol.md gives', () => {
    const frame = encodeEmptyAwareness()
    expect(readMessage(frame)).toEqual({ type: 'awareness', update: Uint8Array.from([0]) })
    expect([...frame]).toEqual([MESSAGE_TYPE.AWARENESS, 1, 0])
  })

  it('writes permission denied as y-protocols/auth reads it: the denied type, then the reason', () => {
    const message = readMessage(encodePermissionDenied('document too large'))
    if (message.type !== 'auth') throw new Error(`expected an auth message, got ${message.type}`)
    const decoder = decoding.createDecoder(message.payload)
    expect(decoding.readVarUint(decoder)).toBe(AUTH_TYPE.PERMISSION_DENIED)
    expect(decoding.readVarString(decoder)).toBe('document too large')
  })
})

describe('peekSyncUpdate', () => {
  /** A decoder positioned after the message type, as y-websocket hands it to a message handler. */
  const afterType = (frame: Uint8Array) => {
    const decoder = decoding.createDecoder(frame)
    decoding.readVarUint(decoder)
    return decoder
  }

  it('reads the update of a step 2 or an update and leaves the decoder where it was', () => {
    const update = new Uint8Array([1, 2, 3])
    for (const frame of [encodeSyncStep2(update), encodeSyncUpdate(update)]) {
      const decoder = afterType(frame)
      expect(peekSyncUpdate(decoder)).toEqual(update)
      expect(decoder.pos).toBe(1)
    }
  })

  it('has nothing to say about a step 1', () => {
    expect(peekSyncUpdate(afterType(encodeSyncStep1(new Uint8Array([0]))))).toBeNull()
  })
})
