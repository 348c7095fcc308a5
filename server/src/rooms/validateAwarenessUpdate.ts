/**
 * Reads and checks a client's awareness update before anything of it is applied. y-protocols applies
 * entries one by one and throws at the first bad one, leaving the earlier ones applied but never
 * announced; reading the whole update first keeps a bad message from changing anything.
 */
import * as decoding from 'lib0/decoding'
import { jsonNestingExceeds } from './jsonNestingExceeds'

/**
 * Deepest nesting of objects and arrays an awareness state may have. Lexical's state is 3 deep;
 * 5,000 deep passed `JSON.parse` but overflowed the stack of `JSON.stringify` whenever the server
 * re-encoded presence for a joiner, which took the process down.
 */
export const MAX_AWARENESS_STATE_DEPTH = 16

/** One entry of an awareness update; `state` is a parsed JSON object, or null for a removal. */
export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  readonly state: Record<string, unknown> | null
}

export type AwarenessRead =
  | { readonly ok: true; readonly entries: AwarenessEntry[] }
  | { readonly ok: false; readonly problem: string }

/**
 * The entries of `update`, or why it must be refused: it must be a varUint count of entries, each a
 * varUint client id, a varUint clock and a JSON string whose value is an object (a presence) nested
 * at most MAX_AWARENESS_STATE_DEPTH deep, or null (a removal), with safe-integer numbers and no
 * bytes after the last entry.
 */
export function readAwarenessUpdate(update: Uint8Array): AwarenessRead {
  const decoder = decoding.createDecoder(update)
  const entries: AwarenessEntry[] = []
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(clock)) {
        return { ok: false, problem: 'number out of range' }
      }
      const json = decoding.readVarString(decoder)
      // Checked before parsing: whatever is parsed is later stringified again, which must not overflow.
      if (jsonNestingExceeds(json, MAX_AWARENESS_STATE_DEPTH)) {
        return { ok: false, problem: `awareness state nested deeper than ${MAX_AWARENESS_STATE_DEPTH}` }
      }
      const state: unknown = JSON.parse(json)
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        return { ok: false, problem: 'awareness state is not an object or null' }
      }
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null })
    }
  } catch (error) {
    return { ok: false, problem: `unreadable awareness update: ${(error as Error).message}` }
  }
  if (decoding.hasContent(decoder)) return { ok: false, problem: 'trailing bytes after awareness entries' }
  return { ok: true, entries }
}

/** Why `update` must be refused, or undefined when it is acceptable (see readAwarenessUpdate). */
export function validateAwarenessUpdate(update: Uint8Array): string | undefined {
  const read = readAwarenessUpdate(update)
  return read.ok ? undefined : read.problem
}
