/**
 * The cross-node port. A room publishes what its local clients changed and hears what clients on
 * other nodes changed; nodes also hear node-wide messages on CONTROL_ROOM. RedisRelay implements it
 * over one Redis server's pub/sub or a Redis Cluster's sharded pub/sub, MemoryRelayHub in one
 * process, and a single node uses none. relayContract.ts states the rules every adapter keeps.
 */

/**
 * A pseudo-room every node subscribes to at start, for messages about the node as a whole rather
 * than one open room: a revocation must reach nodes whatever rooms they have open or are still
 * loading. `#` is not allowed in room names, so no document shares its channel.
 */
export const CONTROL_ROOM = '#control'

/**
 * What crosses between nodes for one room, or on CONTROL_ROOM. Byte payloads go as they are, not
 * wrapped in y-websocket frames: Yjs updates and state vectors, y-protocols awareness updates.
 */
export type RelayMessage =
  /** A Yjs update (V1), already stored: a committed batch merged, or what a sync-reply showed a peer lacks. */
  | { readonly kind: 'update'; readonly update: Uint8Array }
  /**
   * A y-protocols awareness update: the entries local clients changed in one presence window
   * (PresenceWindow), or everyone the room holds, answering a `sync-request`.
   */
  | { readonly kind: 'awareness'; readonly update: Uint8Array }
  /** "Send me what I lack": the sender's state vector; peers answer with a `sync-reply` diff. */
  | { readonly kind: 'sync-request'; readonly stateVector: Uint8Array }
  /**
   * A diff answering a `sync-request`, addressed to one node, plus the replier's own state vector so
   * the requester can push back what the replier lacks (its request may have been published before
   * the replier was subscribed, e.g. right after a Redis outage).
   */
  | {
      readonly kind: 'sync-reply'
      readonly to: string
      readonly update: Uint8Array
      readonly stateVector: Uint8Array
    }
  /**
   * On CONTROL_ROOM: share key `keyId` of document `documentId` was revoked (already in the store);
   * every node closes the sessions opened with it (4403) and stops accepting its tokens.
   */
  | { readonly kind: 'revoke'; readonly documentId: string; readonly keyId: string }
  /**
   * On CONTROL_ROOM: document `documentId` was deleted (already in the store); every node closes its
   * sessions (4410).
   */
  | { readonly kind: 'delete-document'; readonly documentId: string }

export type RelayMessageKind = RelayMessage['kind']

/**
 * A message plus the node it came from. Never our own (the relay drops its own echoes), and a
 * `sync-reply` is delivered only to the node it is addressed to.
 */
export interface RelayEnvelope {
  readonly from: string
  readonly message: RelayMessage
}

export type RelayState = 'connected' | 'disconnected'

/** The logging a relay needs; a pino logger fits. */
export interface RelayLogger {
  info(context: object, message: string): void
  warn(context: object, message: string): void
  error(context: object, message: string): void
}

/** Metric hooks; the caller owns the registry. Sizes are encoded envelope bytes. */
export interface RelayObserver {
  /** Redis took the message. */
  onPublish(kind: RelayMessageKind, bytes: number): void
  /** The message was not sent: disconnected, or Redis failed to take it. */
  onDrop(kind: RelayMessageKind): void
  /** A message from another node arrived; `lagMs` is receive time minus send time (wall clocks, >= 0). */
  onReceive(kind: RelayMessageKind, bytes: number, lagMs: number): void
}

export interface Relay {
  readonly nodeId: string
  /**
   * Starts delivering the room's messages to `handler` (replacing any earlier handler of the room).
   * Resolves once subscribed; while disconnected it resolves at once and the room is subscribed on
   * reconnect, before 'connected' is emitted. Never rejects. A handler that throws is logged, not
   * propagated.
   */
  subscribe(room: string, handler: (envelope: RelayEnvelope) => void): Promise<void>
  /** Stops delivery at once (even while disconnected). Never rejects. */
  unsubscribe(room: string): Promise<void>
  /** Fire-and-forget; messages published while disconnected are dropped (rooms resync on reconnect). */
  publish(room: string, message: RelayMessage): void
  /**
   * Called on every state change. 'connected' is emitted on every transition to connected, the
   * first one included, once every subscribed room is subscribed again; rooms resync then.
   * Returns a function that removes the listener.
   */
  onStateChange(listener: (state: RelayState) => void): () => void
  readonly state: RelayState
  /** Stops all delivery and closes the connections; state ends 'disconnected'. Idempotent. */
  close(): Promise<void>
}
