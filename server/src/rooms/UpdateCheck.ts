/**
 * A room's own rule for what a client may write, checked after the generic validation and before
 * the update is stored. Most rooms have none; a comments room checks authorship and limits
 * (server/src/comments). It throws InvalidUpdateError (4400) or LimitExceededError to refuse.
 */
import type * as Y from 'yjs'
import type { PeerIdentity } from './Peer'

export interface UpdateCheck {
  /** Encoded size the room's document may grow to, in place of MAX_DOCUMENT_BYTES when smaller. */
  readonly maxDocumentBytes?: number
  /** Throws to refuse `update` from `author` against `doc` (the room's applied state). */
  check(doc: Y.Doc, update: Uint8Array, author: PeerIdentity): void
}
