/**
 * Awareness (presence) updates in the y-protocols encoding, carrying their send time in the state so
 * a receiver in the same process can compute delivery latency, whatever the server merged or re-encoded.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** One user's presence as an editor would publish it: name, colour, cursor, plus our send time. */
export function encodePresenceUpdate(client: number, clock: number, sentAtMs: number): Uint8Array {
  const state = {
    user: { name: `user-${client}`, color: '#3b82f6' },
    cursor: { anchor: clock % 500, head: clock % 500 },
    t: sentAtMs,
  }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, client)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, JSON.stringify(state))
  return encoding.toUint8Array(encoder)
}

const SENT_AT_KEY = '"t":'

/**
 * Calls `onEntry` with the send time of every live entry not authored by `ownClient`. Entries without
 * a send time (other tools' states) and removals (`null`) are skipped.
 */
export function readPresenceSendTimes(
  update: Uint8Array,
  ownClient: number,
  onEntry: (sentAtMs: number) => void,
): void {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder)
    decoding.readVarUint(decoder)
    const state = decoding.readVarString(decoder)
    if (client === ownClient) continue
    const at = state.lastIndexOf(SENT_AT_KEY)
    if (at === -1) continue
    const sentAtMs = Number.parseFloat(state.slice(at + SENT_AT_KEY.length))
    if (Number.isFinite(sentAtMs)) onEntry(sentAtMs)
  }
}
