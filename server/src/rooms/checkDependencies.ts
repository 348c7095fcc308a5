/**
 * What an update needs that the document lacks, worked out from the decoded update before it is
 * stored. Yjs keeps structs whose predecessors or origins are missing, and deletions of clocks it has
 * not seen, as "pending", and re-decodes all of it on every later apply, step 1 and load: one update
 * with 3,000,000 deleted ranges for an unknown client made 20 one-character updates cost 17.9 s of
 * CPU. Knowing this before the group commit lets the room refuse it without ever storing it.
 */
import * as Y from 'yjs'
import type { DecodedUpdate } from './validateUpdate'

export interface DependencyCheck {
  /** Some structs or deletions would wait for something the document lacks (Yjs would keep them pending). */
  readonly missing: boolean
  /** Clients this update adds structs for past `knownClock`: new writing under those ids. */
  readonly writesUnder: readonly number[]
  /** For clients whose new structs follow on from `knownClock`: the clock the document reaches with them. */
  readonly reaches: ReadonlyMap<number, number>
}

/**
 * `knownClock(client)` is the next clock the document will have for `client` once everything
 * already accepted is applied. A struct is satisfied when its client's structs in this update run
 * without a gap from a known clock and its origins and parent are known or in this update; a deleted
 * range when its clocks are known or in this update.
 */
export function checkDependencies(
  decoded: DecodedUpdate,
  knownClock: (client: number) => number,
): DependencyCheck {
  const byClient = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>()
  for (const struct of decoded.structs) {
    const list = byClient.get(struct.id.client)
    if (list) list.push(struct)
    else byClient.set(struct.id.client, [struct])
  }
  let missing = false
  const writesUnder: number[] = []
  const reaches = new Map<number, number>()
  for (const [client, structs] of byClient) {
    structs.sort((a, b) => a.id.clock - b.id.clock)
    const known = knownClock(client)
    const last = structs[structs.length - 1]!
    if (last.id.clock + last.length > known) writesUnder.push(client)
    // Structs from a known clock on, without a gap or a Skip, integrate; the rest waits.
    let end = known
    for (const struct of structs) {
      if (struct.id.clock > end || struct instanceof Y.Skip) break
      end = Math.max(end, struct.id.clock + struct.length)
    }
    if (end < last.id.clock + last.length) missing = true
    if (end > known) reaches.set(client, end)
  }
  const available = (client: number) => reaches.get(client) ?? knownClock(client)
  for (const struct of decoded.structs) {
    if (missing) break
    if (!(struct instanceof Y.Item)) continue
    const parent = struct.parent instanceof Y.ID ? struct.parent : null
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (ref !== null && ref.clock >= available(ref.client)) missing = true
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    if (missing) break
    const end = available(client)
    for (const range of ranges) {
      if (range.clock + range.len > end) {
        missing = true
        break
      }
    }
  }
  return { missing, writesUnder, reaches }
}
