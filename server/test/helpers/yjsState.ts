/** State-vector checks for durability tests. */
import * as Y from 'yjs'

/** True when `doc` holds everything the encoded state vector `seen` describes. */
export function covers(doc: Y.Doc, seen: Uint8Array): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [clientId, clock] of Y.decodeStateVector(seen))
    if ((have.get(clientId) ?? 0) < clock) return false
  return true
}
