/**
 * What a room needs of a client it serves. The connection layer implements it (Connection); the
 * room never reaches back into sockets, so data flows one way: socket -> room -> store -> sockets.
 */
import type { CloseCode, MessageKind, Role } from '@tandem/shared'

export interface PeerIdentity {
  readonly userId: string
  /** The token's display name; shown to others in place of whatever name the peer claims. */
  readonly name?: string
  readonly role: Role
  /**
   * The share link the token was exchanged for. Every exchange mints a new guest subject, so limits
   * a link holder must not escape by exchanging again are kept per link (comments' rate limit).
   */
  readonly shareKeyId?: string
}

export interface Peer {
  readonly identity: PeerIdentity
  /** Client asked for SAVED acknowledgements (`?saved=1`). */
  readonly wantsSavedAcks: boolean
  /**
   * Queues a frame; a peer whose queue is over its limit is closed instead (back-pressure). A frame
   * is never changed once sent: a broadcast hands every peer the same bytes, framed for the wire once.
   */
  send(frame: Uint8Array, type: MessageKind): void
  /**
   * A join's answer: the step 2 and, when the room's cached base lags the document, the changes
   * since that base (at most a quarter of it), queued as one unit: back-pressure is checked once,
   * before the step 2, so a large step 2 never gets its own remainder refused.
   */
  sendSyncStep2(step2: Uint8Array, since: Uint8Array | undefined): void
  close(code: CloseCode, detail?: string): void
}
