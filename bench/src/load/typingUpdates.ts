/**
 * Real Yjs updates without a Y.Doc per keystroke: `encodeTypingUpdate` writes the exact V1 bytes Yjs
 * emits for one character typed at the end of a client's own text (checked against Yjs by the smoke
 * test), so the load generator can offer hundreds of thousands of updates a second. `largeDocument`
 * builds a many-struct document of a given encoded size.
 */
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** The root type every simulated client types into. */
export const TEXT_NAME = 't'

/** Yjs struct info bits (Item.write): content ref 4 is ContentString, bit 8 says "has a left origin". */
const CONTENT_STRING = 4
const HAS_ORIGIN = 0x80
/** writeParentInfo(true): the parent is a root type named by key. */
const PARENT_IS_ROOT_KEY = 1

/**
 * The update of `client` inserting `char` (one UTF-16 unit) after its own previous character, at
 * `clock` (0 for its first). Identical to what `Y.Text.insert` on that client's document emits.
 */
export function encodeTypingUpdate(client: number, clock: number, char: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1) // one client's structs
  encoding.writeVarUint(encoder, 1) // one struct
  encoding.writeVarUint(encoder, client)
  encoding.writeVarUint(encoder, clock)
  if (clock === 0) {
    encoding.writeUint8(encoder, CONTENT_STRING)
    encoding.writeVarUint(encoder, PARENT_IS_ROOT_KEY)
    encoding.writeVarString(encoder, TEXT_NAME)
  } else {
    encoding.writeUint8(encoder, CONTENT_STRING | HAS_ORIGIN)
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock - 1)
  }
  encoding.writeVarString(encoder, char)
  encoding.writeVarUint(encoder, 0) // empty delete set
  return encoding.toUint8Array(encoder)
}

const WORDS = ['lorem ', 'ipsum ', 'dolor ', 'sit ', 'amet ', 'consectetur ', 'adipiscing ', 'elit ']

/** A small seeded generator, so every run builds the same document. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

/**
 * A document of at least `bytes` encoded: words typed at a wandering cursor with frequent small
 * deletions, so it holds many structs and a large delete set like a long-edited text.
 */
export function largeDocument(bytes: number): Uint8Array {
  const doc = new Y.Doc()
  const text = doc.getText(TEXT_NAME)
  const random = seededRandom(7)
  // Measuring the encoding costs a full encode: often enough to overshoot by a few percent at most.
  const checkEvery = Math.max(50, Math.floor(bytes / 1000))
  let cursor = 0
  for (let i = 1; ; i++) {
    let words = ''
    const count = 1 + Math.floor(random() * 4)
    for (let k = 0; k < count; k++) words += WORDS[Math.floor(random() * WORDS.length)]
    if (random() < 0.05) cursor = Math.floor(random() * text.length)
    cursor = Math.min(text.length, cursor)
    text.insert(cursor, words)
    cursor += words.length
    if (i % 7 === 0 && cursor > 10) {
      text.delete(cursor - 4, 3)
      cursor -= 3
    }
    if (i % checkEvery === 0) {
      const update = Y.encodeStateAsUpdate(doc)
      if (update.byteLength >= bytes) {
        doc.destroy()
        return update
      }
    }
  }
}
