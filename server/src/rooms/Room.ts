/**
 * One document in memory: its Y.Doc, awareness and connections. Inbound changes are applied once;
 * outbound frames are encoded once and shared by every receiver, and only after the change is durable.
 */
import {
  CLOSE_CODES,
  encodeAwareness,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@tandem/shared'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { Connection } from '../connection/Connection'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { DocumentStore } from '../persistence/DocumentStore'
import type { Relay, RelayEnvelope } from '../relay/Relay'
import type { Batch, GroupCommit } from './GroupCommit'
import { RELAY_ORIGIN, STORE_ORIGIN } from './origins'

/** An update or state vector that Yjs cannot read. Maps to close code 4400. */
export class InvalidUpdateError extends Error {
  override name = 'InvalidUpdateError'
}

export interface RoomContext {
  readonly store: DocumentStore
  readonly commit: GroupCommit
  readonly relay: Relay | undefined
  readonly metrics: Metrics
  readonly logger: Logger
  readonly compactThresholdRows: number
  readonly compactThresholdBytes: number
  /** Called when the last connection left, or when the room failed and must be dropped. */
  readonly onEmpty: (room: Room) => void
}

/** The encoded state vector of an empty document: one varUint 0. */
const EMPTY_STATE_VECTOR_LENGTH = 1

export class Room {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly connections = new Set<Connection>()
  /** Set once storage failed for this room: it takes no more writes and is dropped. */
  failed = false
  private destroyed = false

  private pending: Uint8Array[] = []
  private pendingOrigins = new Set<Connection>()
  private pendingAcks = new Set<Connection>()
  private pendingWaiters: Array<() => void> = []
  private readonly inFlight: Batch[] = []
  /** `Y.encodeStateAsUpdate(doc)`, kept until the next change so joiners with nothing share one encoding. */
  private fullState: Uint8Array | null = null
  private logRows = 0
  private logBytes = 0
  private compacting = false

  private constructor(
    readonly name: string,
    private readonly ctx: RoomContext,
  ) {
    // The server holds no presence of its own.
    this.awareness.setLocalState(null)
  }

  /** Loads the stored document; throws (leaving storage untouched) when it cannot be read or applied. */
  static async load(name: string, ctx: RoomContext): Promise<Room> {
    const stored = await ctx.store.load(name)
    const room = new Room(name, ctx)
    try {
      room.doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(room.doc, stored.snapshot)
        for (const update of stored.updates) Y.applyUpdate(room.doc, update)
      }, STORE_ORIGIN)
    } catch (error) {
      room.destroy()
      throw error
    }
    room.logRows = stored.updates.length
    room.logBytes = stored.updates.reduce((sum, update) => sum + update.byteLength, 0)
    room.doc.on('update', (update: Uint8Array, origin: unknown) => room.handleDocUpdate(update, origin))
    room.awareness.on('update', (changes: AwarenessChanges, origin: unknown) =>
      room.handleAwarenessUpdate(changes, origin),
    )
    if (ctx.relay) {
      await ctx.relay.subscribe(name, (envelope) => room.handleRelayEnvelope(envelope))
      room.requestPeerState()
    }
    return room
  }

  /** Attaches a connection and starts the y-websocket handshake: our step 1, then current presence. */
  attach(connection: Connection): void {
    this.connections.add(connection)
    connection.state = { kind: 'open', room: this }
    connection.send(encodeSyncStep1(Y.encodeStateVector(this.doc)), 'sync-step1')
    if (this.awareness.getStates().size > 0) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [
        ...this.awareness.getStates().keys(),
      ])
      connection.send(encodeAwareness(update), 'awareness')
    }
  }

  /** Removes a closed connection and, for everyone at once, the presence it owned. */
  detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return
    if (connection.awarenessClientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClientIds], connection)
    }
    if (this.connections.size === 0) this.ctx.onEmpty(this)
  }

  /** Answers a client's step 1 with what it lacks, once everything it could receive is durable. */
  handleSyncStep1(connection: Connection, stateVector: Uint8Array): void {
    try {
      Y.decodeStateVector(stateVector)
    } catch (error) {
      throw new InvalidUpdateError(`unreadable state vector: ${(error as Error).message}`)
    }
    this.afterDurable(() => {
      connection.send(encodeSyncStep2(this.diffFor(stateVector)), 'sync-step2')
    })
    if (connection.wantsSavedAcks) this.requestSavedAck(connection)
  }

  /** Applies a client's step 2 or update. Viewers never get here (the connection layer drops them). */
  handleClientUpdate(connection: Connection, update: Uint8Array): void {
    try {
      // Decoding first keeps a half-readable update from being half applied.
      Y.decodeUpdate(update)
      Y.applyUpdate(this.doc, update, connection)
    } catch (error) {
      throw new InvalidUpdateError(`unreadable update: ${(error as Error).message}`)
    }
    if (connection.wantsSavedAcks) this.requestSavedAck(connection)
  }

  handleAwareness(connection: Connection, update: Uint8Array): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, connection)
    } catch (error) {
      throw new InvalidUpdateError(`unreadable awareness update: ${(error as Error).message}`)
    }
  }

  handleQueryAwareness(connection: Connection): void {
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [
      ...this.awareness.getStates().keys(),
    ])
    connection.send(encodeAwareness(update), 'awareness')
  }

  /** Hands the group commit everything applied since the last batch. */
  takeBatch(): Batch | null {
    if (this.failed || (this.pending.length === 0 && this.pendingAcks.size === 0)) return null
    const batch: Batch = {
      room: this,
      updates: this.pending,
      origins: this.pendingOrigins,
      acks: this.pendingAcks,
      // Captured now: this is exactly the state the batch makes durable.
      stateVector: this.pendingAcks.size > 0 ? Y.encodeStateVector(this.doc) : null,
      waiters: this.pendingWaiters,
    }
    this.pending = []
    this.pendingOrigins = new Set()
    this.pendingAcks = new Set()
    this.pendingWaiters = []
    this.inFlight.push(batch)
    return batch
  }

  /** The batch is on disk: now it may reach other clients, other nodes, and its senders' acks. */
  commitSucceeded(batch: Batch): void {
    this.inFlight.shift()
    if (this.failed) return
    if (batch.updates.length > 0) {
      const merged = batch.updates.length === 1 ? batch.updates[0]! : Y.mergeUpdates(batch.updates)
      const frame = encodeSyncUpdate(merged)
      const soleOrigin = batch.origins.size === 1 ? batch.origins.values().next().value : undefined
      for (const connection of this.connections) {
        if (connection !== soleOrigin) connection.send(frame, 'sync-update')
      }
      this.ctx.relay?.publish(this.name, { kind: 'update', update: merged })
      this.logRows += batch.updates.length
      this.logBytes += batch.updates.reduce((sum, update) => sum + update.byteLength, 0)
      this.maybeCompact()
    }
    if (batch.stateVector) {
      const saved = encodeSaved(batch.stateVector)
      for (const connection of batch.acks) connection.send(saved, 'saved')
    }
    for (const waiter of batch.waiters) waiter()
  }

  /**
   * The batch could not be stored. Memory now holds edits the disk does not, so the room must not
   * serve them: every client is told storage is unavailable (their editors keep the edits and resend
   * them on reconnect) and the room is dropped.
   */
  commitFailed(error: unknown): void {
    this.inFlight.shift()
    if (this.failed) return
    this.failed = true
    this.ctx.logger.error({ room: this.name, err: error }, 'storing updates failed; dropping room')
    for (const connection of this.connections) connection.close(CLOSE_CODES.STORAGE_UNAVAILABLE)
    this.ctx.onEmpty(this)
  }

  /** True while something applied in memory is not yet durable. */
  get hasUndurableChanges(): boolean {
    return this.pending.length > 0 || this.inFlight.length > 0
  }

  /** Log size since the last snapshot, as this node counted it. */
  get logSize(): { rows: number; bytes: number } {
    return { rows: this.logRows, bytes: this.logBytes }
  }

  /** Frees the document and presence timers. Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.awareness.destroy()
    this.doc.destroy()
  }

  /** Runs `fn` once everything applied so far is durable. */
  private afterDurable(fn: () => void): void {
    if (this.pending.length > 0) this.pendingWaiters.push(fn)
    else if (this.inFlight.length > 0) this.inFlight[this.inFlight.length - 1]!.waiters.push(fn)
    else fn()
  }

  private requestSavedAck(connection: Connection): void {
    this.pendingAcks.add(connection)
    this.ctx.commit.schedule(this)
  }

  private diffFor(stateVector: Uint8Array): Uint8Array {
    if (stateVector.byteLength === EMPTY_STATE_VECTOR_LENGTH && stateVector[0] === 0) {
      this.fullState ??= Y.encodeStateAsUpdate(this.doc)
      return this.fullState
    }
    return Y.encodeStateAsUpdate(this.doc, stateVector)
  }

  private handleDocUpdate(update: Uint8Array, origin: unknown): void {
    this.fullState = null
    if (origin === RELAY_ORIGIN) {
      // Durable on the node that relayed it; only our own clients still need it.
      const frame = encodeSyncUpdate(update)
      for (const connection of this.connections) connection.send(frame, 'sync-update')
      return
    }
    this.pending.push(update)
    if (origin instanceof Connection) this.pendingOrigins.add(origin)
    this.ctx.commit.schedule(this)
  }

  private handleAwarenessUpdate({ added, updated, removed }: AwarenessChanges, origin: unknown): void {
    if (origin instanceof Connection) {
      for (const id of added) origin.awarenessClientIds.add(id)
      for (const id of removed) origin.awarenessClientIds.delete(id)
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed])
    const frame = encodeAwareness(update)
    for (const connection of this.connections) connection.send(frame, 'awareness')
    if (origin !== RELAY_ORIGIN) this.ctx.relay?.publish(this.name, { kind: 'awareness', update })
  }

  private handleRelayEnvelope({ from, message }: RelayEnvelope): void {
    if (this.failed) return
    try {
      switch (message.kind) {
        case 'update':
          Y.applyUpdate(this.doc, message.update, RELAY_ORIGIN)
          break
        case 'awareness':
          awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, RELAY_ORIGIN)
          break
        case 'sync-request':
          this.afterDurable(() => {
            const update = Y.encodeStateAsUpdate(this.doc, message.stateVector)
            const stateVector = Y.encodeStateVector(this.doc)
            this.ctx.relay?.publish(this.name, { kind: 'sync-reply', to: from, update, stateVector })
          })
          break
        case 'sync-reply':
          Y.applyUpdate(this.doc, message.update, RELAY_ORIGIN)
          // The replier may have missed our changes while it was not subscribed: push them back once.
          this.afterDurable(() => {
            const missing = Y.encodeStateAsUpdate(this.doc, message.stateVector)
            this.ctx.relay?.publish(this.name, { kind: 'update', update: missing })
          })
          break
      }
    } catch (error) {
      this.ctx.logger.warn(
        { room: this.name, from, kind: message.kind, err: error },
        'ignoring bad relay message',
      )
    }
  }

  /** Asks peers holding this room for what we lack (at load, and after a relay outage). */
  requestPeerState(): void {
    this.ctx.relay?.publish(this.name, { kind: 'sync-request', stateVector: Y.encodeStateVector(this.doc) })
  }

  private maybeCompact(): void {
    if (this.compacting) return
    if (this.logRows < this.ctx.compactThresholdRows && this.logBytes < this.ctx.compactThresholdBytes) return
    this.compacting = true
    this.ctx.store
      .compact(this.name)
      .then(() => this.ctx.store.logSize(this.name))
      .then(({ rows, bytes }) => {
        this.logRows = rows
        this.logBytes = bytes
      })
      .catch((error: unknown) => this.ctx.logger.warn({ room: this.name, err: error }, 'compaction failed'))
      .finally(() => {
        this.compacting = false
      })
  }
}

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}
