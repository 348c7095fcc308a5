/** Editing the shared title (a Y.Text) from a plain text input: minimal diffs out, caret-preserving merges in. */

import { MAX_TITLE_LENGTH, removeUnsafeTextCharacters } from '@tandem/shared'
import type * as Y from 'yjs'

/** The smallest single replacement turning `before` into `after` (common prefix and suffix kept). */
export function diffText(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0
  const shorter = Math.min(before.length, after.length)
  while (start < shorter && before[start] === after[start]) start++
  let end = 0
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) }
}

/**
 * Applies what the person typed to the shared title as one minimal edit, so concurrent edits to other
 * parts of the title merge instead of overwriting each other. Line breaks become spaces; controls,
 * bidi overrides and lone surrogates are dropped (also one the length cap would leave by cutting an
 * emoji in half); the result is capped at MAX_TITLE_LENGTH.
 */
export function applyTitleInput(text: Y.Text, typed: string, origin: unknown = null): void {
  const next = removeUnsafeTextCharacters(typed.replace(/[\r\n]+/g, ' ').slice(0, MAX_TITLE_LENGTH))
  const current = text.toString()
  if (next === current) return
  const { index, remove, insert } = diffText(current, next)
  text.doc?.transact(() => {
    if (remove > 0) text.delete(index, remove)
    if (insert !== '') text.insert(index, insert)
  }, origin)
}

/** One Yjs text delta op (`Y.YTextEvent.delta`). */
export interface DeltaOp {
  retain?: number
  insert?: string | object
  delete?: number
}

/**
 * Where a caret at `index` ends up after a remote change described by `delta`. Text inserted exactly
 * at the caret stays after it (the caret does not jump).
 */
export function transformIndex(index: number, delta: readonly DeltaOp[]): number {
  let oldPosition = 0
  let result = index
  for (const op of delta) {
    if (oldPosition >= index) break
    if (op.retain !== undefined) {
      oldPosition += op.retain
    } else if (op.insert !== undefined) {
      result += typeof op.insert === 'string' ? op.insert.length : 1
    } else if (op.delete !== undefined) {
      result -= Math.min(op.delete, index - oldPosition)
      oldPosition += op.delete
    }
  }
  return Math.max(0, result)
}
