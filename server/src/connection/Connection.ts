/** One client socket: its identity, lifecycle state, outbound back-pressure and close bookkeeping. */
import type { CloseCode, MessageKind } from '@tandem/shared'
import { CLOSE_CODES, documentOfCommentsRoom } from '@tandem/shared'
import type { WebSocket } from 'ws'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { Peer, PeerIdentity } from '../rooms/Peer'
import type { Room } from '../rooms/Room'
import { QueryThrottle } from './QueryThrottle'

/** Who is on the other end, as established on the upgrade. */
export interface ConnectionIdentity extends PeerIdentity {
  /** When the token expires (ms since the epoch); the socket is closed with 4401 then (ConnectionAcceptor). */
  readonly expiresAtMs: number | null
  // shareKeyId (PeerIdentity): revoking that key closes this socket (4403).
}

/**
 * `joining`: upgraded, room still loading; frames that arrive meanwhile wait in `early`.
 * `open`: attached to its room. `closed`: gone; nothing is sent or handled any more.
 */
export type ConnectionState =
  | { readonly kind: 'joining'; readonly early: Uint8Array[]; earlyBytes: number }
  | { readonly kind: 'open'; readonly room: Room }
  | { readonly kind: 'closed' }

export interface ConnectionOptions {
  readonly roomName: string
  readonly identity: ConnectionIdentity
  /** Client asked for SAVED acknowledgements (`?saved=1`). */
  readonly wantsSavedAcks: boolean
  readonly maxBufferedBytes: number
  /** Shortest time between two answers to query-awareness (AWARENESS_QUERY_INTERVAL_MS). */
  readonly awarenessQueryIntervalMs: number
  readonly metrics: Metrics
  readonly logger: Logger
}

/** A socket closed for back-pressure gets this long to take its close frame before it is cut. */
const BACKPRESSURE_TERMINATE_MS = 1000

export class Connection implements Peer {
  state: ConnectionState = { kind: 'joining', early: [], earlyBytes: 0 }
  /** Cleared by the heartbeat sweep, set again by every pong (ConnectionAcceptor's shared listener). */
  isAlive = true
  lastSentAtMs = Date.now()
  /** Awareness client ids this socket owns (room's PresenceGate); removed for everyone when it closes. */
  readonly awarenessClientIds = new Set<number>()
  /** Yjs client ids this socket owns in its room (room's ClientIdOwners); released when it closes. */
  readonly yjsClientIds = new Set<number>()
  readonly queryThrottle: QueryThrottle
  readonly identity: ConnectionIdentity
  readonly roomName: string
  /** The document the room belongs to: the room itself, or the document of a comments room. */
  readonly documentId: string
  readonly wantsSavedAcks: boolean
  private readonly options: ConnectionOptions

  constructor(
    readonly ws: WebSocket,
    options: ConnectionOptions,
  ) {
    this.options = options
    this.identity = options.identity
    this.roomName = options.roomName
    this.documentId = documentOfCommentsRoom(options.roomName) ?? options.roomName
    this.wantsSavedAcks = options.wantsSavedAcks
    this.queryThrottle = new QueryThrottle(options.awarenessQueryIntervalMs)
  }

  get isOpen(): boolean {
    return this.state.kind !== 'closed'
  }

  /** Editors write everywhere; commenters only in a comments room; viewers nowhere. */
  get canWrite(): boolean {
    if (this.identity.role === 'editor') return true
    return this.identity.role === 'commenter' && documentOfCommentsRoom(this.roomName) !== undefined
  }

  /**
   * Sends one frame unless the socket is gone. A reader that let more than MAX_BUFFERED_BYTES queue
   * up is closed instead of growing server memory, so a queue holds at most that plus one frame.
   * The queue is checked before the frame is added: a single frame larger than the limit (the
   * step 2 of a big document) still goes out to a reader that keeps up.
   */
  send(frame: Uint8Array, type: MessageKind | 'keepalive', completesPrevious = false): void {
    if (this.state.kind === 'closed' || this.ws.readyState !== this.ws.OPEN) return
    if (!completesPrevious && this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.metrics.countLimit('backpressure')
      this.close(CLOSE_CODES.BACKPRESSURE)
      setTimeout(() => this.ws.terminate(), BACKPRESSURE_TERMINATE_MS).unref()
      return
    }
    this.ws.send(frame, { binary: true })
    this.lastSentAtMs = Date.now()
    this.options.metrics.countMessage('out', type, frame.byteLength)
  }

  /** Starts a close handshake with a documented code; cleanup happens on the socket's 'close' event. */
  close(entry: CloseCode, detail?: string): void {
    if (this.ws.readyState === this.ws.CLOSING || this.ws.readyState === this.ws.CLOSED) return
    this.options.logger.debug({ code: entry.code, detail, user: this.identity.userId }, 'closing connection')
    this.ws.close(entry.code, entry.reason)
  }

  /** Marks the connection closed and returns the room it was in, if any. Idempotent. */
  markClosed(): Room | undefined {
    const previous = this.state
    this.state = { kind: 'closed' }
    this.queryThrottle.cancel()
    return previous.kind === 'open' ? previous.room : undefined
  }
}
