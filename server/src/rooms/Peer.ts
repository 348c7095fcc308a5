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
   * sent with `completesPrevious` belongs to the one just sent (a step 2's changes since its base,
   * at most a quarter of it) and is queued with it, whatever the queue holds. A frame is never
   * changed once sent: a broadcast hands every peer the same bytes, framed for the wire once.
   */
  send(frame: Uint8Array, type: MessageKind, completesPrevious?: boolean): void
  close(code: CloseCode, detail?: string): void
}
