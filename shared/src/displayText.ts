/**
 * Characters titles and display names may not hold. They reach other people's screens, logs and
 * tab titles: controls and line separators break layouts and log lines, bidi embeddings, overrides
 * and isolates (U+202A-U+202E, U+2066-U+2069) make text read differently from what it is
 * ("gpj.exe" shown as "exe.jpg"), and a lone surrogate is not text at all (it breaks UTF-8 encoders).
 */

/** One unsafe character; with the `u` flag a lone surrogate matches `\p{Cs}`, a valid pair does not. */
const UNSAFE_CHARACTER = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/u
const UNSAFE_CHARACTERS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/gu

/** True when `text` holds a control, line separator, bidi control or lone surrogate. */
export function hasUnsafeTextCharacters(text: string): boolean {
  return UNSAFE_CHARACTER.test(text)
}

/** `text` without those characters (what a text field keeps of what was typed or pasted). */
export function removeUnsafeTextCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, '')
}
