/** Editing the shared title (a Y.Text) from a plain text input: minimal diffs out, carets pinned to text. */

import { MAX_TITLE_LENGTH, removeUnsafeTextCharacters, TITLE_TEXT_NAME } from '@tandem/shared'
import * as Y from 'yjs'

/** The title's shared text in `doc` (layout: shared/src/docLayout.ts). */
export function getTitleText(doc: Y.Doc): Y.Text {
  return doc.getText(TITLE_TEXT_NAME)
}

/**
 * The smallest single replacement turning `before` into `after` (common prefix and suffix kept).
 * `caret` (in `after`; default its end) is where the caret is after the edit: the edit is taken to
 * end there, so a character typed next to an equal one counts as typed at the caret. Typing a space
 * right before someone else's space otherwise counted as typed after it, and the two people's runs
 * split (issue 15, item 6). The text that results is the same either way.
 */
export function diffText(
  before: string,
  after: string,
  caret = after.length,
): { index: number; remove: number; insert: string } {
  const shorter = Math.min(before.length, after.length)
  const changeStartsBy = Math.max(0, caret - Math.max(0, after.length - before.length))
  let start = 0
  while (start < shorter && start < changeStartsBy && before[start] === after[start]) start++
  let end = 0
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++
  // A caret that was not where the edit happened: the common prefix may go on past it.
  while (start < shorter - end && before[start] === after[start]) start++
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) }
}

/**
 * Applies what the person typed to the shared title as one minimal edit, so concurrent edits to other
 * parts of the title merge instead of overwriting each other. Line breaks become spaces; controls,
 * bidi overrides and lone surrogates are dropped (also one the length cap would leave by cutting an
 * emoji in half); the result is capped at MAX_TITLE_LENGTH. `caret` is the input's caret after the edit
 * (see `diffText`).
 */
export function applyTitleInput(text: Y.Text, typed: string, origin: unknown = null, caret?: number): void {
  const next = removeUnsafeTextCharacters(typed.replace(/[\r\n]+/g, ' ').slice(0, MAX_TITLE_LENGTH))
  const current = text.toString()
  if (next === current) return
  const { index, remove, insert } = diffText(current, next, caret)
  text.doc?.transact(() => {
    if (remove > 0) text.delete(index, remove)
    if (insert !== '') text.insert(index, insert)
  }, origin)
}

/** A caret or selection in the title, held as Yjs relative positions so it survives others' edits. */
export interface TitleCaret {
  start: Y.RelativePosition
  end: Y.RelativePosition
}

/**
 * Pins the selection `[start, end]` of `text` to the characters around it. A collapsed caret sticks to
 * the character before it (assoc -1): text someone else inserts exactly at the caret lands after it,
 * so this person's next character follows their own and two people typing at one spot keep their runs
 * whole. A range keeps its first and last selected characters (inserts at either edge stay outside).
 */
export function readTitleCaret(text: Y.Text, start: number, end: number): TitleCaret {
  return {
    start: Y.createRelativePositionFromTypeIndex(text, start, start === end ? -1 : 0),
    end: Y.createRelativePositionFromTypeIndex(text, end, -1),
  }
}

/** Where a caret read by `readTitleCaret` is now, as input offsets (null if the title's doc is gone). */
export function resolveTitleCaret(text: Y.Text, caret: TitleCaret): [number, number] | null {
  if (text.doc === null) return null
  const start = Y.createAbsolutePositionFromRelativePosition(caret.start, text.doc)
  const end = Y.createAbsolutePositionFromRelativePosition(caret.end, text.doc)
  if (start === null || end === null) return null
  return [start.index, Math.max(start.index, end.index)]
}
