/** A linear scan for JSON nesting depth, so deep input is refused before any recursive parse or stringify. */

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * True when `json` opens more than `maxDepth` objects or arrays inside one another. Brackets inside
 * strings do not count. Only the depth is judged; whether `json` parses is `JSON.parse`'s job.
 */
export function jsonNestingExceeds(json: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i)
    if (inString) {
      if (char === BACKSLASH) i++
      else if (char === QUOTE) inString = false
    } else if (char === QUOTE) inString = true
    else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (++depth > maxDepth) return true
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) depth--
  }
  return false
}
