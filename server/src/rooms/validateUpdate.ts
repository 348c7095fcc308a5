/**
 * Decides whether a client's Yjs update may be stored. Because updates are stored before they are
 * applied, anything Yjs would decode but then fail to integrate must be caught here: stored, it
 * would fail again on every load of the room.
 */
import * as Y from 'yjs'

/**
 * Why `update` (V1) must be refused, or undefined when it is acceptable. Refused:
 * - bytes `Y.decodeUpdate` cannot read (truncated, unknown struct or content types, bad lengths);
 * - client ids, clocks or clock ranges past `Number.MAX_SAFE_INTEGER` (lib0 decodes varints up to
 *   2^56, but the doc then encodes states it cannot read back);
 * - an item whose left or right origin or parent names its own client at its own clock or later:
 *   those refer to something not yet integrated, and Yjs throws while integrating them;
 * - a delete-set range of length 0 (Yjs throws when it keeps such a range pending).
 * A seeded mutation run (see docs/reliability.md) found no update that passes these checks and
 * then fails to apply, round-trip or reload. Updates that are valid but odd (items whose parents
 * never arrive, deletions of unknown ranges) are accepted: Yjs keeps them pending, as every client does.
 */
export function validateUpdate(update: Uint8Array): string | undefined {
  const read = readUpdate(update)
  return read.ok ? undefined : read.problem
}

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

export type UpdateRead =
  | { readonly ok: true; readonly decoded: DecodedUpdate }
  | { readonly ok: false; readonly problem: string }

/** `update` decoded, or why it must be refused (see validateUpdate); decoded once for every later check. */
export function readUpdate(update: Uint8Array): UpdateRead {
  let decoded: DecodedUpdate
  try {
    decoded = Y.decodeUpdate(update)
  } catch (error) {
    return { ok: false, problem: `unreadable update: ${(error as Error).message}` }
  }
  const problem = findProblem(decoded)
  return problem === undefined ? { ok: true, decoded } : { ok: false, problem }
}

function findProblem(decoded: DecodedUpdate): string | undefined {
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id
    if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock + struct.length)) {
      return 'client id or clock out of range'
    }
    if (!(struct instanceof Y.Item)) continue
    const parent = struct.parent instanceof Y.ID ? struct.parent : null
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (ref === null) continue
      if (!Number.isSafeInteger(ref.client) || !Number.isSafeInteger(ref.clock)) {
        return 'reference out of range'
      }
      if (ref.client === client && ref.clock >= clock) return 'item refers to its own future'
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    if (!Number.isSafeInteger(client)) return 'deleted client id out of range'
    for (const range of ranges) {
      if (!(range.len > 0) || !Number.isSafeInteger(range.clock + range.len)) return 'bad deleted range'
    }
  }
  return undefined
}
