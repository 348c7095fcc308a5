/** Finding a query in text: the pure part of find and replace (no Lexical, no DOM). */

/** Longest query the find bar accepts; longer input is cut, so a pasted essay cannot stall matching. */
export const MAX_FIND_QUERY_LENGTH = 500

/** Longest replacement text; one replace-all writes it once per match. */
export const MAX_REPLACEMENT_LENGTH = 2_000

/** Matches beyond this are not counted or highlighted (the bar says "10000+"), which bounds the work per edit. */
export const MAX_FIND_MATCHES = 10_000

export interface FindOptions {
  /** Match upper and lower case exactly. Default false. */
  matchCase?: boolean
  /** Only whole words: no letter, digit or underscore right before or after the match. Default false. */
  wholeWord?: boolean
}

/** A match as UTF-16 offsets into the searched text, `end` exclusive. */
export interface TextMatch {
  start: number
  end: number
}

// Letters and digits of every script, so whole-word search works beyond ASCII ("café", "naïve").
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The regular expression for `query`, or null when there is nothing to look for. Case-insensitive
 * matching uses the `u` flag's simple case folding, which never changes lengths, so offsets into the
 * original text stay exact (unlike lower-casing both sides: "İ" lower-cases to two code units).
 */
export function createFindPattern(query: string, options: FindOptions = {}): RegExp | null {
  const needle = query.slice(0, MAX_FIND_QUERY_LENGTH)
  if (needle === '') return null
  const body = escapeRegExp(needle)
  const source = options.wholeWord === true ? `(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})` : body
  return new RegExp(source, options.matchCase === true ? 'gu' : 'giu')
}

/** Every non-overlapping match of `pattern` (from `createFindPattern`) in `text`, at most `limit`. */
export function findMatchesIn(text: string, pattern: RegExp, limit = MAX_FIND_MATCHES): TextMatch[] {
  const matches: TextMatch[] = []
  if (limit <= 0) return matches
  pattern.lastIndex = 0
  for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
    matches.push({ start: found.index, end: found.index + found[0].length })
    if (matches.length >= limit) break
  }
  return matches
}

/** One run of text the editor shows contiguously: text nodes in one block, none of them split by a break. */
export interface TextSegment {
  /** The text nodes in order: their keys and their text. */
  pieces: readonly { key: string; text: string }[]
}

/** A point in the document: a text node and an offset into its text. */
export interface TextPoint {
  key: string
  offset: number
}

/** A match in the document: where it starts and ends, which may be in different text nodes. */
export interface DocumentMatch {
  start: TextPoint
  end: TextPoint
}

/**
 * Finds `pattern` in each segment, so a match may cross formatting ("hel**lo**") but never a block or
 * a line break. Returns matches in document order, at most `limit` in all.
 */
export function findDocumentMatches(
  segments: Iterable<TextSegment>,
  pattern: RegExp,
  limit = MAX_FIND_MATCHES,
): DocumentMatch[] {
  const matches: DocumentMatch[] = []
  for (const segment of segments) {
    const text = segment.pieces.map((piece) => piece.text).join('')
    for (const match of findMatchesIn(text, pattern, limit - matches.length)) {
      matches.push({
        start: locate(segment, match.start, 'start'),
        end: locate(segment, match.end, 'end'),
      })
    }
    if (matches.length >= limit) break
  }
  return matches
}

/**
 * The node and offset of `offset` in the segment's joined text. At a boundary between two nodes a
 * start belongs to the next node and an end to the previous one, so a match never begins or ends on
 * a node it does not touch.
 */
function locate(segment: TextSegment, offset: number, side: 'start' | 'end'): TextPoint {
  let before = 0
  for (const piece of segment.pieces) {
    const after = before + piece.text.length
    if (side === 'start' ? offset < after : offset <= after)
      return { key: piece.key, offset: offset - before }
    before = after
  }
  const last = segment.pieces[segment.pieces.length - 1]
  if (last === undefined) throw new Error('an empty segment has no matches')
  return { key: last.key, offset: last.text.length }
}
