import fc from 'fast-check'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import type { RelayMessage } from './Relay'
import {
  decodeRelayEnvelope,
  encodeRelayEnvelope,
  RELAY_FORMAT_VERSION,
  RelayCodecError,
  type TimedRelayEnvelope,
} from './relayCodec'

const bytes = fc.uint8Array({ maxLength: 64 })
const message: fc.Arbitrary<RelayMessage> = fc.oneof(
  bytes.map((update) => ({ kind: 'update' as const, update })),
  bytes.map((update) => ({ kind: 'awareness' as const, update })),
  bytes.map((stateVector) => ({ kind: 'sync-request' as const, stateVector })),
  fc
    .record({ to: fc.string(), update: bytes })
    .map(({ to, update }) => ({ kind: 'sync-reply' as const, to, update, stateVector: update })),
  fc
    .record({ documentId: fc.string(), keyId: fc.string() })
    .map(({ documentId, keyId }) => ({ kind: 'revoke' as const, documentId, keyId })),
)
const envelope: fc.Arbitrary<TimedRelayEnvelope> = fc.record({
  from: fc.string({ unit: 'grapheme' }),
  sentAtMs: fc.double({ min: 0, max: 4e12, noNaN: true }),
  message,
})

describe('relayCodec', () => {
  it('round-trips every message kind', () => {
    fc.assert(
      fc.property(envelope, (original) => {
        expect(decodeRelayEnvelope(encodeRelayEnvelope(original))).toEqual(original)
      }),
    )
  })

  it('round-trips a concrete sync-reply byte for byte', () => {
    const original: TimedRelayEnvelope = {
      from: 'node-a',
      sentAtMs: 1_700_000_000_123.25,
      message: {
        kind: 'sync-reply',
        to: 'node-b',
        update: new Uint8Array([0, 1, 255]),
        stateVector: new Uint8Array([0, 1, 255]),
      },
    }
    const decoded = decodeRelayEnvelope(encodeRelayEnvelope(original))
    expect(decoded).toEqual(original)
    expect(decoded.message.kind === 'sync-reply' && decoded.message.update).toBeInstanceOf(Uint8Array)
  })

  it('copies payloads out of the input buffer', () => {
    const encoded = encodeRelayEnvelope({
      from: 'a',
      sentAtMs: 1,
      message: { kind: 'update', update: new Uint8Array([7]) },
    })
    const decoded = decodeRelayEnvelope(encoded)
    encoded.fill(0)
    expect(decoded.message).toEqual({ kind: 'update', update: new Uint8Array([7]) })
  })

  it('throws only RelayCodecError on arbitrary garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (garbage) => {
        try {
          decodeRelayEnvelope(garbage)
        } catch (error) {
          expect(error).toBeInstanceOf(RelayCodecError)
        }
      }),
    )
  })

  it('rejects empty input, truncation and trailing bytes with a clear message', () => {
    const encoded = encodeRelayEnvelope({
      from: 'a',
      sentAtMs: 1,
      message: { kind: 'update', update: new Uint8Array([1, 2, 3]) },
    })
    expect(() => decodeRelayEnvelope(new Uint8Array())).toThrow(
      /malformed relay envelope: Unexpected end of array/,
    )
    expect(() => decodeRelayEnvelope(encoded.subarray(0, encoded.length - 1))).toThrow(RelayCodecError)
    expect(() => decodeRelayEnvelope(new Uint8Array([...encoded, 0]))).toThrow(/1 trailing bytes/)
  })

  it('rejects another format version and an unknown kind', () => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, RELAY_FORMAT_VERSION + 1)
    expect(() => decodeRelayEnvelope(encoding.toUint8Array(encoder))).toThrow(/format version 3, expected 2/)

    const unknownKind = encoding.createEncoder()
    encoding.writeVarUint(unknownKind, RELAY_FORMAT_VERSION)
    encoding.writeVarString(unknownKind, 'a')
    encoding.writeFloat64(unknownKind, 0)
    encoding.writeVarUint(unknownKind, 99)
    expect(() => decodeRelayEnvelope(encoding.toUint8Array(unknownKind))).toThrow(
      /unknown relay message kind 99/,
    )
  })
})
