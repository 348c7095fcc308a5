/** One client socket: its identity, lifecycle state, outbound back-pressure and close bookkeeping. */

import type { Duplex } from 'node:stream'
import type { CloseCode, MessageKind } from '@tandem/shared'
import { CLOSE_CODES, documentOfCommentsRoom } from '@tandem/shared'
import type { WebSocket } from 'ws'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { Peer, PeerIdentity } from '../rooms/Peer'
import type { Room } from '../rooms/Room'
import { InboundLimiter, type InboundLimits } from './InboundLimiter'
import { QueryThrottle, type QueryVerdict } from './QueryThrottle'
import type { WireFrames } from './WireFrames'

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

/** What the upgrade established for one socket. */
export interface ConnectionTarget {
  readonly room: string
  readonly identity: ConnectionIdentity
  /** Client asked for SAVED acknowledgements (`?saved=1`). */
  readonly wantsSavedAcks: boolean
}

/** What every connection of a node shares: one object for the node, referenced by each socket. */
export interface ConnectionSettings {
  readonly maxBufferedBytes: number
  /** Shortest time between two answers to query-awareness (AWARENESS_QUERY_INTERVAL_MS). */
  readonly awarenessQueryIntervalMs: number
  /** Inbound rate limits, counted from the upgrade until the socket closes. */
  readonly inbound: InboundLimits
  readonly metrics: Metrics
  readonly logger: Logger
  /** The last messages framed for the wire, shared by every socket of the node (WireFrames). */
  readonly frames: WireFrames
}

/** A socket closed for back-pressure gets this long to take its close frame before it is cut. */
const BACKPRESSURE_TERMINATE_MS = 1000

/**
 * Per-connection memory (issue 16): a socket holds only what is its own (identity, state, its
 * inbound counts); what every socket of the node shares is one `ConnectionSettings` object, and what
 * few sockets need (a deferred presence answer) is created on first use.
 */
export class Connection implements Peer {
  state: ConnectionState = { kind: 'joining', early: [], earlyBytes: 0 }
  /** Cleared by the heartbeat sweep, set again by every pong (ConnectionAcceptor's shared listener). */
  isAlive = true
  lastSentAtMs = Date.now()
  readonly inbound: InboundLimiter
  readonly identity: ConnectionIdentity
  readonly roomName: string
  /** The document the room belongs to: the room itself, or the document of a comments room. */
  readonly documentId: string
  readonly wantsSavedAcks: boolean
  /** Created by the socket's first query-awareness: most sockets never send one. */
  private queryThrottle: QueryThrottle | undefined
  /**
   * Bytes of the last join answer (sendSyncStep2) allowed on top of MAX_BUFFERED_BYTES while it
   * drains: a big document's step 2 leaves the queue over the limit for as long as the reader takes
   * to read it, and what follows it meanwhile (the SAVED ack, presence) must not close the socket.
   * Cleared once the queue is back under the limit.
   */
  private joinAllowance = 0

  /**
   * @param socket the upgraded socket ws runs on (the upgrade's own), written to directly with
   *   frames framed once per broadcast (WireFrames). Safe beside ws's own writes: with
   *   permessage-deflate off and no Blob sent, ws writes each frame synchronously and queues
   *   nothing, so frames from both never interleave.
   */
  constructor(
    readonly ws: WebSocket,
    private readonly socket: Duplex,
    target: ConnectionTarget,
    private readonly settings: ConnectionSettings,
  ) {
    this.identity = target.identity
    this.roomName = target.room
    this.documentId = documentOfCommentsRoom(target.room) ?? target.room
    this.wantsSavedAcks = target.wantsSavedAcks
    this.inbound = new InboundLimiter(settings.inbound)
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
   * up (plus a join's answer still draining, see mayQueue) is closed instead of growing server
   * memory. The queue is checked before the frame is added: a single frame larger than the limit
   * (the step 2 of a big document) still goes out to a reader that keeps up.
   */
  send(frame: Uint8Array, type: MessageKind | 'keepalive'): void {
    if (this.mayQueue()) this.write(frame, type)
  }

  sendSyncStep2(step2: Uint8Array, since: Uint8Array | undefined): void {
    if (!this.mayQueue()) return
    this.joinAllowance = step2.byteLength + (since?.byteLength ?? 0)
    this.write(step2, 'sync-step2')
    if (since) this.write(since, 'sync-update')
  }

  /**
   * False when the socket is gone, or when its queue is over the limit (plus what remains allowed of
   * a join's answer): then it is closed (1013). A reader that stops reading holds at most the limit
   * plus two join answers (a document each) before it is closed.
   */
  private mayQueue(): boolean {
    if (this.state.kind === 'closed' || this.ws.readyState !== this.ws.OPEN) return false
    const queued = this.ws.bufferedAmount
    if (queued <= this.settings.maxBufferedBytes) {
      this.joinAllowance = 0
      return true
    }
    if (queued <= this.settings.maxBufferedBytes + this.joinAllowance) return true
    this.settings.metrics.countLimit('backpressure')
    this.close(CLOSE_CODES.BACKPRESSURE)
    setTimeout(() => this.ws.terminate(), BACKPRESSURE_TERMINATE_MS).unref()
    return false
  }

  private write(frame: Uint8Array, type: MessageKind | 'keepalive'): void {
    const wire = this.settings.frames.frameOf(frame)
    if (wire) this.socket.write(wire)
    else this.ws.send(frame, { binary: true })
    this.lastSentAtMs = Date.now()
    this.settings.metrics.countMessage('out', type, frame.byteLength)
  }

  /**
   * Runs `answer` to a query-awareness now, or once when the socket's query interval ends (shared by
   * every query until then): see QueryThrottle.
   */
  answerQuery(answer: () => void): QueryVerdict {
    this.queryThrottle ??= new QueryThrottle(this.settings.awarenessQueryIntervalMs)
    return this.queryThrottle.request(answer)
  }

  /** Starts a close handshake with a documented code; cleanup happens on the socket's 'close' event. */
  close(entry: CloseCode, detail?: string): void {
    if (this.ws.readyState === this.ws.CLOSING || this.ws.readyState === this.ws.CLOSED) return
    this.settings.logger.debug({ code: entry.code, detail, user: this.identity.userId }, 'closing connection')
    this.ws.close(entry.code, entry.reason)
  }

  /** Marks the connection closed and returns the room it was in, if any. Idempotent. */
  markClosed(): Room | undefined {
    const previous = this.state
    this.state = { kind: 'closed' }
    this.queryThrottle?.cancel()
    return previous.kind === 'open' ? previous.room : undefined
  }
}
