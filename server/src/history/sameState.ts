/**
 * Whether two encoded Yjs states (V1 updates) hold the same document: the same structs (state
 * vectors) and the same deletions (delete sets). Used to skip a version that would repeat the last.
 */
import * as Y from 'yjs'

/**
 * True when `a` and `b` hold the same document. Equal bytes settle it at once; otherwise the state
 * vectors and the delete sets are compared as encoded. Two encodings of one state that differ only
 * in how a delete set is split read as different: that costs an extra version, never a missing one.
 * Never throws.
 */
export function sameState(a: Uint8Array, b: Uint8Array): boolean {
  if (sameBytes(a, b)) return true
  try {
    const vector = Y.encodeStateVectorFromUpdate(a)
    if (!sameBytes(vector, Y.encodeStateVectorFromUpdate(b))) return false
    // Diffing against its own state vector leaves an update of the delete set alone.
    return sameBytes(Y.diffUpdate(a, vector), Y.diffUpdate(b, vector))
  } catch {
    // A state Yjs cannot read (a crafted version) holds no document: not the same as any.
    return false
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}
