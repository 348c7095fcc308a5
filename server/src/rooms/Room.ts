/**
 * One document in memory: its Y.Doc, awareness and connections. A client's update is validated,
 * stored, and only then applied, so the in-memory document never holds anything the store lacks:
 * whatever a room sends (a broadcast, a step 2, a relay message) is already durable.
 */
import {
  CLOSE_CODES,
  encodeAwareness,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@tandem/shared'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { CommitQueue } from '../persistence/CommitQueue'
import type { DocumentStore, UpdateAuthor } from '../persistence/DocumentStore'
import type { Relay, RelayEnvelope } from '../relay/Relay'
import { ClientIdOwners } from './ClientIdOwners'
import { checkDependencies } from './checkDependencies'
import { DocumentSize } from './DocumentSize'
import { LimitExceededError } from './LimitExceededError'
import { needsLayoutMigration } from './needsLayoutMigration'
import { peerOrigin, RELAY_ORIGIN, STORE_ORIGIN } from './origins'
import type { Peer, PeerIdentity } from './Peer'
import { PresenceGate } from './PresenceGate'
import { type PresenceFlush, PresenceWindow, presenceWindowMs } from './PresenceWindow'
import type { UpdateCheck } from './UpdateCheck'
import { readAwarenessUpdate } from './validateAwarenessUpdate'
import { readUpdate } from './validateUpdate'

/** An update, state vector or awareness update the room refuses to take in. Maps to close code 4400. */
export class InvalidUpdateError extends Error {
  override name = 'InvalidUpdateError'
}

export interface RoomContext {
  readonly store: DocumentStore
  /** Where client updates are made durable; relaying committed updates listens to it, not the room. */
  readonly commits: CommitQueue
  readonly relay: Relay | undefined
  readonly metrics: Metrics
  readonly logger: Logger
  readonly compactThresholdRows: number
  readonly compactThresholdBytes: number
  /** Updates that would grow the document's encoded size past this are refused (4413). */
  readonly maxDocumentBytes: number
  /** Awareness updates above this are refused (1009). */
  readonly maxAwarenessBytes: number
  /** Presence client ids one connection may own (4429 above). */
  readonly maxAwarenessClientsPerConnection: number
  /** Presence entries the room holds; entries for new ids past it are dropped. */
  readonly maxRoomPresence: number
  /** Longest window over which presence changes are merged into one frame (large rooms). */
  readonly presenceWindowMaxMs: number
  /** Bytes of updates the document may hold waiting for what it lacks (4422 above). */
  readonly maxPendingBytes: number
  /** Called when the last connection left, or when the room failed and must be dropped. */
  readonly onEmpty: (room: Room) => void
  /** The room's own write rule, if its name calls for one (comments rooms: server/src/comments). */
  readonly updateCheckFor?: (roomName: string) => UpdateCheck | undefined
}

/** The encoded state vector of an empty document: one varUint 0. */
const EMPTY_STATE_VECTOR_LENGTH = 1

/** A V1 update with no structs and no deletions: `[0, 0]`. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}

export class Room {
  /**
   * A guid of our own: Yjs's default (uuidv4) draws 31 random numbers from node:crypto, 4% of the
   * CPU of a reconnect storm that loads 100 rooms. Nothing reads a room document's guid (Yjs sends
   * only subdocuments' guids).
   */
  readonly doc = new Y.Doc({ guid: ROOM_DOC_GUID })
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly connections = new Set<Peer>()

  readonly presence: PresenceGate
  private readonly presenceWindow: PresenceWindow
  private readonly clientIdOwners = new ClientIdOwners()

  /** The updates waiting in the commit queue's open batch, if this room has any there. */
  private queued: QueuedGroup | null = null
  /** Groups enqueued and not yet applied or failed. */
  private groupsInFlight = 0
  /** Settles once every group enqueued so far is applied or failed: SAVED acks wait for it. */
  private settled: Promise<void> = Promise.resolve()
  /**
   * Per client, the clock the document reaches once the queued and in-flight (being stored) updates
   * are applied; cleared when nothing is queued or in flight, when the document itself knows.
   */
  private queuedClocks = new Map<number, number>()
  /** Bytes of queued or in-flight updates that will wait for something the document lacks. */
  private queuedUnresolvedBytes = 0
  private unresolved = new WeakSet<Uint8Array>()
  /**
   * The state the document's last changing transaction started from, or null when the last
   * transaction changed nothing (set by the afterTransaction listener; reset before each apply).
   */
  private changedFrom: Map<number, number> | null = null
  /** Changes the document made itself while an update was applied (see shareOwnChanges). */
  private ownChanges: Uint8Array[] = []
  /**
   * What a joiner with nothing gets (see syncStep2For): a full state the document passed through,
   * kept across changes, and the update frame of what changed since, kept until the next change.
   */
  private joinBase: JoinBase | null = null
  /** Our step 1 (the document's state vector), shared by joiners until the document changes. */
  private step1Frame: Uint8Array | null = null
  private sinceBaseFrame: Uint8Array | null = null
  private logRows = 0
  private logBytes = 0
  private compacting = false
  private destroyed = false
  private size: DocumentSize | undefined
  private readonly updateCheck: UpdateCheck | undefined

  private constructor(
    readonly name: string,
    private readonly ctx: RoomContext,
  ) {
    this.updateCheck = ctx.updateCheckFor?.(name)
    // The server holds no presence of its own.
    this.awareness.setLocalState(null)
    // ... nor a meta entry, so the meta map counts exactly the entries peers own (MAX_ROOM_PRESENCE).
    this.awareness.meta.delete(this.awareness.clientID)
    this.presence = new PresenceGate(
      this.awareness,
      {
        maxClientsPerConnection: ctx.maxAwarenessClientsPerConnection,
        maxRoomPresence: ctx.maxRoomPresence,
      },
      ctx.metrics,
    )
    this.presenceWindow = new PresenceWindow(this.awareness, {
      windowMs: () => presenceWindowMs(this.connections.size, ctx.presenceWindowMaxMs),
      flush: (changes) => this.sendPresenceChanges(changes),
    })
  }

  /**
   * Loads the stored document, migrating a V1-layout one first; throws (leaving storage untouched)
   * when it cannot be read, applied or migrated.
   */
  static async load(name: string, ctx: RoomContext): Promise<Room> {
    const stored = await ctx.store.load(name)
    const room = new Room(name, ctx)
    try {
      if (stored.snapshot) {
        Y.applyUpdate(room.doc, stored.snapshot, STORE_ORIGIN)
        // The stored bytes (a garbage-collected encoding, see compactUpdates) are a full state the
        // document holds: joiners get them, not an encoding.
        if (!hasPending(room.doc)) room.setJoinBase(stored.snapshot)
      }
      // The log in one transaction: Yjs cleans up once, not once per row.
      const log = room.doc.transact((transaction) => {
        for (const [index, update] of stored.updates.entries()) room.applyStored(update, index)
        return transaction
      }, STORE_ORIGIN)
      if (room.joinBase && stored.updates.length > 0) {
        room.joinBase.current = false
        // Rows that delete what the snapshot holds: its bytes would still carry the deleted text.
        if (deletesFrom(log.deleteSet, room.joinBase.clocks)) room.joinBase = null
      }
      await room.migrateLayout()
    } catch (error) {
      room.destroy()
      throw error
    }
    room.logRows += stored.updates.length
    room.logBytes += stored.updates.reduce((sum, update) => sum + update.byteLength, 0)
    room.size = new DocumentSize({
      maxBytes: Math.min(
        ctx.maxDocumentBytes,
        room.updateCheck?.maxDocumentBytes ?? Number.POSITIVE_INFINITY,
      ),
      loadedBytes: (stored.snapshot?.byteLength ?? 0) + room.logBytes,
      measure: () => Y.encodeStateAsUpdate(room.doc).byteLength,
    })
    // No 'update' listener: Yjs encodes every transaction while one listens, which we rarely need.
    room.doc.on('afterTransaction', (transaction: Y.Transaction) => room.noteTransaction(transaction))
    room.awareness.on('update', (changes: AwarenessChanges, origin: unknown) =>
      room.handleAwarenessUpdate(changes, origin),
    )
    if (ctx.relay) {
      await ctx.relay.subscribe(name, (envelope) => room.handleRelayEnvelope(envelope))
      room.requestPeerState()
    }
    return room
  }

  /** Attaches a peer and starts the y-websocket handshake: our step 1, then current presence. */
  attach(connection: Peer): void {
    this.connections.add(connection)
    this.step1Frame ??= encodeSyncStep1(Y.encodeStateVector(this.doc))
    connection.send(this.step1Frame, 'sync-step1')
    this.sendPresenceTo(connection)
  }

  /**
   * Removes a closed connection and, for everyone at once, the presence it owned (states and the
   * meta entries y-protocols would otherwise keep forever); its client ids are free again.
   */
  detach(connection: Peer): void {
    if (!this.connections.delete(connection)) return
    this.clientIdOwners.release(connection)
    const released = this.presence.release(connection)
    try {
      if (released.length > 0) {
        awarenessProtocol.removeAwarenessStates(this.awareness, released, peerOrigin(connection))
      }
    } finally {
      for (const clientId of released) this.presence.forget(clientId)
      if (this.connections.size === 0) this.ctx.onEmpty(this)
    }
  }

  /** Answers a client's step 1 with what it lacks. The document only ever holds durable changes. */
  handleSyncStep1(connection: Peer, stateVector: Uint8Array): void {
    try {
      Y.decodeStateVector(stateVector)
    } catch (error) {
      throw new InvalidUpdateError(`unreadable state vector: ${(error as Error).message}`)
    }
    const [step2, since] = this.syncStep2For(stateVector)
    connection.sendSyncStep2(step2!, since)
    if (connection.wantsSavedAcks) this.requestSavedAck(connection)
  }

  /**
   * Enqueues a client's step 2 or update for the commit queue; it is applied once stored.
   * Viewers never get here (the connection layer drops their writes).
   */
  handleClientUpdate(connection: Peer, update: Uint8Array): void {
    if (isEmptyUpdate(update)) {
      // Every stock client sends one as its step 2 on joining: nothing to store, only maybe an ack.
      if (connection.wantsSavedAcks) this.requestSavedAck(connection)
      return
    }
    // Refuse what Yjs could not read or integrate before anything is stored.
    const read = readUpdate(update)
    if (!read.ok) throw new InvalidUpdateError(read.problem)
    const needs = checkDependencies(read.decoded, (client) =>
      Math.max(Y.getState(this.doc.store, client), this.queuedClocks.get(client) ?? 0),
    )
    // Only ids with new structs are claimed: re-sending history Yjs already has changes nothing.
    // Checked first, so a forged id is refused as such whatever else is wrong with the update.
    this.clientIdOwners.claim(connection, needs.writesUnder)
    if (needs.missing) {
      const pendingBytes = this.pendingBytes + update.byteLength
      if (pendingBytes > this.ctx.maxPendingBytes) {
        throw new LimitExceededError(
          'pending-updates',
          CLOSE_CODES.PENDING_TOO_LARGE,
          `update would leave ${pendingBytes} bytes waiting for changes the document lacks (limit ${this.ctx.maxPendingBytes})`,
        )
      }
    }
    if (this.size && !this.size.fits(update.byteLength)) {
      throw new LimitExceededError(
        'document-size',
        CLOSE_CODES.DOCUMENT_TOO_LARGE,
        `document would grow past ${this.size.maxBytes} bytes (about ${this.size.estimateBytes} now)`,
      )
    }
    // The room's own rule last: it may be the costliest (a comments room reads the whole document).
    this.updateCheck?.check(this.doc, update, connection.identity)
    this.size?.accepted(update.byteLength)
    if (needs.missing) {
      this.unresolved.add(update)
      this.queuedUnresolvedBytes += update.byteLength
    }
    for (const [client, clock] of needs.reaches) {
      this.queuedClocks.set(client, Math.max(clock, this.queuedClocks.get(client) ?? 0))
    }
    this.enqueue(connection, update)
  }

  /**
   * A change made on the server (the content API), through the same path as a peer's update: checked
   * against the document-size limit, stored by the commit queue, then applied and sent to every peer
   * and, by the queue's listeners, to other nodes. Resolves once applied; rejects with the store's
   * error (nothing applied) or LimitExceededError (nothing stored). `update` must only depend on
   * what the document holds (an edit of a copy of it), so it never waits for missing structs.
   */
  async applyServerEdit(author: PeerIdentity, update: Uint8Array): Promise<void> {
    const read = readUpdate(update)
    if (!read.ok) throw new InvalidUpdateError(read.problem)
    if (this.size && !this.size.fits(update.byteLength)) {
      throw new LimitExceededError(
        'document-size',
        CLOSE_CODES.DOCUMENT_TOO_LARGE,
        `document would grow past ${this.ctx.maxDocumentBytes} bytes (about ${this.size.estimateBytes} now)`,
      )
    }
    this.size?.accepted(update.byteLength)
    // A sender that is not a connection: everyone gets the change, and a failed store closes nothing.
    const sender: Peer = {
      identity: author,
      wantsSavedAcks: false,
      send: () => {},
      sendSyncStep2: () => {},
      close: () => {},
    }
    const committed = this.ctx.commits.enqueue(this.name, update, authorOf(author))
    this.enqueue(sender, update, committed)
    // The group was applied (or failed) in a continuation registered before this await's.
    await committed
  }

  handleAwareness(connection: Peer, update: Uint8Array): void {
    if (update.byteLength > this.ctx.maxAwarenessBytes) {
      throw new LimitExceededError(
        'awareness-size',
        CLOSE_CODES.MESSAGE_TOO_BIG,
        `awareness update over ${this.ctx.maxAwarenessBytes} bytes`,
      )
    }
    const read = readAwarenessUpdate(update)
    if (!read.ok) throw new InvalidUpdateError(read.problem)
    this.ctx.metrics.presenceEntries.labels('connection').inc(read.entries.length)
    const admitted = this.presence.admitFromConnection(connection, read.entries)
    if (admitted) awarenessProtocol.applyAwarenessUpdate(this.awareness, admitted, peerOrigin(connection))
  }

  /** Everyone's presence, to one peer (on joining, and when it asks: throttled by the connection layer). */
  sendPresenceTo(connection: Peer): void {
    if (!this.connections.has(connection) || this.awareness.getStates().size === 0) return
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [
      ...this.awareness.getStates().keys(),
    ])
    connection.send(encodeAwareness(update), 'awareness')
  }

  /** Log size since the last snapshot, as this node counted it. */
  get logSize(): { rows: number; bytes: number } {
    return { rows: this.logRows, bytes: this.logBytes }
  }

  /** Frees the document and presence timers, relaying presence removals still waiting. Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.presenceWindow.flushNow()
    this.awareness.destroy()
    this.doc.destroy()
  }

  /** Asks peers holding this room for what we lack (at load, and after a relay outage). */
  requestPeerState(): void {
    this.ctx.relay?.publish(this.name, { kind: 'sync-request', stateVector: Y.encodeStateVector(this.doc) })
  }

  /**
   * Bytes the document holds waiting for structs or deletions it lacks (Yjs's pending structs and
   * pending delete set), plus queued updates that will join them.
   */
  get pendingBytes(): number {
    const { pendingStructs, pendingDs } = this.doc.store
    return (
      (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0) + this.queuedUnresolvedBytes
    )
  }

  /**
   * Hands one update to the commit queue. Updates that share a batch form one group: applied
   * together once durable, and sent to the other peers as one frame.
   */
  private enqueue(
    connection: Peer,
    update: Uint8Array,
    committed: Promise<void> = this.ctx.commits.enqueue(this.name, update, authorOf(connection.identity)),
  ): void {
    let group = this.queued
    if (group?.committed !== committed) {
      const created: QueuedGroup = { committed, updates: [], senders: [] }
      group = created
      this.queued = created
      this.groupsInFlight++
      this.settled = committed.then(
        () => this.settleGroup(created, () => this.applyGroup(created)),
        (error: unknown) => this.settleGroup(created, () => this.failGroup(created, error)),
      )
    }
    group.updates.push(update)
    group.senders.push(connection)
    if (connection.wantsSavedAcks) this.requestSavedAck(connection)
  }

  /** Runs a group's outcome, then stops counting its updates as queued. Never throws. */
  private settleGroup(group: QueuedGroup, outcome: () => void): void {
    if (this.queued === group) this.queued = null
    try {
      outcome()
    } catch (error) {
      this.ctx.metrics.countInternalError('commit')
      this.ctx.logger.error({ room: this.name, err: error }, 'releasing a committed batch failed')
    } finally {
      this.groupsInFlight--
      for (const update of group.updates) {
        if (this.unresolved.delete(update)) this.queuedUnresolvedBytes -= update.byteLength
      }
      if (this.groupsInFlight === 0) this.queuedClocks.clear()
    }
  }

  /**
   * The group is on disk: apply it, then send what changed to the other peers (one frame). Other
   * nodes hear of it from the commit queue's listeners, not from here.
   */
  private applyGroup(group: QueuedGroup): void {
    if (this.destroyed) return
    const changes: Change[] = []
    try {
      group.updates.forEach((update, i) => {
        const sender = group.senders[i]!
        let applied = false
        try {
          const change = this.integrate(update, peerOrigin(sender))
          if (change) changes.push({ update: change.bytes, peer: change.asSent ? sender : null })
          applied = true
        } catch (error) {
          // validateUpdate refuses what cannot integrate on its own; two updates forging one client's
          // history can still clash here (docs/reliability.md). Stored already: loads skip it likewise.
          // What Yjs integrated before it threw is in the document: peers get it too.
          const partial = this.changedBeforeFailure()
          if (partial) changes.push({ update: partial, peer: null })
          this.ctx.logger.error({ room: this.name, err: error }, 'a stored update failed to apply')
          sender.close(CLOSE_CODES.MALFORMED_MESSAGE)
        }
        this.size?.settled(update.byteLength, applied)
      })
    } finally {
      this.broadcastApplied(changes)
      this.shareOwnChanges()
    }
    this.logRows += group.updates.length
    this.logBytes += group.updates.reduce((sum, update) => sum + update.byteLength, 0)
    this.maybeCompact()
  }

  /**
   * Applies one update and returns what peers need of it, or null when it changed nothing. That is
   * the bytes as sent (peers get these, not a re-encoding: its delete set would also name what the
   * deletion of a container took with it, which a peer could not tell from what the sender deleted
   * knowingly; client/src/collab/ConcurrentTextRescue.ts reads that difference), except when the
   * document held structs waiting for missing ones: this update may release them, and only Yjs's
   * encoding of the transaction carries those, so only then is Yjs asked to encode it.
   */
  private integrate(update: Uint8Array, origin: unknown): { bytes: Uint8Array; asSent: boolean } | null {
    this.changedFrom = null
    if (!hasPending(this.doc)) {
      const ownChangesBefore = this.ownChanges.length
      Y.applyUpdate(this.doc, update, origin)
      // Set by the afterTransaction listener during the apply.
      const before = this.changedFrom as Map<number, number> | null
      if (!before) return null
      // Into an empty document (a new document's first sync, an import), the update is now the
      // whole document: joiners get it as sent instead of an encoding of it. Not if its bytes carry
      // text it deletes (the document dropped that text) or the document cleaned up after it (the
      // bytes would lack that).
      const whole = before.size === 0 && this.ownChanges.length === ownChangesBefore
      if (whole && !hasPending(this.doc) && !carriesDeletedText(update)) this.setJoinBase(update)
      return { bytes: update, asSent: true }
    }
    // The apply's own transactions only: the document's own cleanup that may follow is shared as
    // such (shareOwnChanges).
    const encoded: Uint8Array[] = []
    const capture = (bytes: Uint8Array, from: unknown) => {
      if (from === origin) encoded.push(bytes)
    }
    this.doc.on('update', capture)
    try {
      Y.applyUpdate(this.doc, update, origin)
    } finally {
      this.doc.off('update', capture)
    }
    if (encoded.length === 0) return null
    return { bytes: encoded.length === 1 ? encoded[0]! : Y.mergeUpdates(encoded), asSent: false }
  }

  /**
   * What an apply that threw had already changed (Yjs integrates as it reads), as an update from the
   * state before it; null when nothing changed.
   */
  private changedBeforeFailure(): Uint8Array | null {
    if (!this.changedFrom) return null
    return Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(this.changedFrom))
  }

  /**
   * The group could not be stored, so it was never applied: readers are unaffected. Its senders are
   * told storage is unavailable; their editors keep the edits and resend them on reconnect.
   */
  private failGroup(group: QueuedGroup, error: unknown): void {
    const senders = new Set(group.senders)
    for (const update of group.updates) this.size?.settled(update.byteLength, false)
    this.ctx.logger.error({ room: this.name, err: error, senders: senders.size }, 'storing updates failed')
    for (const connection of senders) connection.close(CLOSE_CODES.STORAGE_UNAVAILABLE)
  }

  /**
   * Tells a peer its changes are durable once everything queued before now is settled: all of a
   * peer's updates are queued when its frame is handled, and the document only holds durable ones.
   */
  private requestSavedAck(connection: Peer): void {
    const send = () => {
      if (this.destroyed || !this.connections.has(connection)) return
      connection.send(encodeSaved(Y.encodeStateVector(this.doc)), 'saved')
    }
    if (this.groupsInFlight === 0) send()
    else void this.settled.then(send)
  }

  /**
   * The frames answering `stateVector`: a step 2 with what the peer lacks. A joiner with nothing
   * gets the join base's frame, shared by every such joiner, and, if the document changed since,
   * one update frame of those changes, also shared: encoding a large document is the costly part of
   * a join (5 MB: ~100 ms), and a document being edited changes between any two joins. The base is
   * encoded afresh only once the changes since outgrow a quarter of it, so a joiner downloads at
   * most a quarter more than a fresh encoding would hold.
   */
  private syncStep2For(stateVector: Uint8Array): Uint8Array[] {
    if (stateVector.byteLength !== EMPTY_STATE_VECTOR_LENGTH || stateVector[0] !== 0) {
      return [encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))]
    }
    let base = this.joinBase
    if (base && !base.current && this.sinceBaseFrame === null) {
      const since = Y.encodeStateAsUpdate(this.doc, base.stateVector)
      if (since.byteLength * JOIN_BASE_MAX_GROWTH <= base.update.byteLength) {
        this.sinceBaseFrame = encodeSyncUpdate(since)
      } else base = null
    }
    if (!base) base = this.setJoinBase(Y.encodeStateAsUpdate(this.doc))
    base.frame ??= encodeSyncStep2(base.update)
    // The frame ends with the update's bytes: keep one copy of them.
    base.update = base.frame.subarray(base.frame.byteLength - base.update.byteLength)
    return base.current ? [base.frame] : [base.frame, this.sinceBaseFrame!]
  }

  /** Makes `update`, a full state of the document as it is now, what joiners with nothing get. */
  private setJoinBase(update: Uint8Array): JoinBase {
    const stateVector = Y.encodeStateVector(this.doc)
    this.joinBase = {
      update,
      stateVector,
      clocks: Y.decodeStateVector(stateVector),
      frame: null,
      current: true,
    }
    this.sinceBaseFrame = null
    return this.joinBase
  }

  /**
   * Applies one stored update while loading. One that Yjs cannot apply (stored by an older server
   * that checked less) is skipped and logged, as it was skipped when it first arrived, instead of
   * making the whole room unloadable; it stays in storage untouched.
   */
  private applyStored(update: Uint8Array, index: number): void {
    try {
      Y.applyUpdate(this.doc, update)
    } catch (error) {
      this.ctx.metrics.storedUpdatesSkipped.inc()
      this.ctx.logger.error(
        { room: this.name, index, err: error },
        'skipped a stored update that does not apply',
      )
    }
  }

  /**
   * Moves a V1-layout document to the V2 layout, once: afterwards its V2 root is written and
   * `needsLayoutMigration` is false on every later load. Stored before applied, like any change.
   * A migration that throws refuses the room (4500) rather than open it with an empty V2 root:
   * the first keystroke there would write the V2 root and turn the migration off for good, hiding
   * the document's content from every editor. Refused, nothing changes, and the next load retries.
   */
  private async migrateLayout(): Promise<void> {
    if (!needsLayoutMigration(this.doc)) return
    const started = performance.now()
    let update: Uint8Array
    try {
      // Loaded on first use: headless Lexical is heavy, and only documents from before V2 need it.
      const { createLayoutMigration } = await import('./migrateLegacyLayout')
      update = createLayoutMigration(this.doc)
    } catch (error) {
      this.ctx.metrics.layoutMigrations.labels('failed').inc()
      this.ctx.logger.error(
        { room: this.name, err: error },
        'could not migrate the document to the V2 layout; refusing the room, its stored state untouched',
      )
      throw error
    }
    const seconds = (performance.now() - started) / 1000
    await this.ctx.store.append([{ room: this.name, update }])
    Y.applyUpdate(this.doc, update, STORE_ORIGIN)
    if (this.joinBase) this.joinBase.current = false
    this.logRows += 1
    this.logBytes += update.byteLength
    this.ctx.metrics.layoutMigrations.labels('migrated').inc()
    this.ctx.metrics.layoutMigrationSeconds.observe(seconds)
    this.ctx.logger.info(
      { room: this.name, bytes: update.byteLength, ms: Math.round(seconds * 1000) },
      'migrated the document to the V2 layout',
    )
  }

  /** Notes whether a transaction changed the document (Yjs's own test for emitting 'update'). */
  private noteTransaction(transaction: Y.Transaction): void {
    const { beforeState, afterState, deleteSet } = transaction
    let changed = deleteSet.clients.size > 0
    if (!changed) {
      for (const [client, clock] of afterState) {
        if (beforeState.get(client) !== clock) {
          changed = true
          break
        }
      }
    }
    if (!changed) return
    // The base's bytes would still carry the deleted text (the document drops it): never serve it.
    if (this.joinBase && deletesFrom(deleteSet, this.joinBase.clocks)) this.joinBase = null
    if (this.joinBase) this.joinBase.current = false
    this.sinceBaseFrame = null
    this.step1Frame = null
    // Origin null: a transaction of the document itself (Yjs's formatting cleanup), never an apply's.
    if (transaction.origin === null) this.ownChanges.push(encodeOwnChange(this.doc, transaction))
    else this.changedFrom ??= beforeState
  }

  /**
   * Stores and sends the changes no client sent: after a remote change to formatted text, Yjs
   * deletes the formatting marks that became redundant, in a transaction of its own
   * (cleanupYTextAfterTransaction). Each replica decides that by its own view, and concurrent edits
   * can make a mark redundant here that still ends a bold or italic run elsewhere; kept here alone,
   * the deletion left this document (and every freshly opened page) with a run formatted otherwise
   * than the open editors had it, with equal state vectors (issue 23). Deletions only, so sending
   * them to everyone makes every replica agree. The document holds it already (Yjs applied it);
   * it is stored after the change that caused it, and other nodes hear of it from the commit queue.
   */
  private shareOwnChanges(): void {
    if (this.ownChanges.length === 0) return
    const changes = this.ownChanges
    this.ownChanges = []
    if (this.destroyed) return
    for (const update of changes) {
      this.ctx.commits.enqueue(this.name, update).catch((error: unknown) => {
        this.ctx.logger.error({ room: this.name, err: error }, 'storing a formatting cleanup failed')
      })
      this.size?.grew(update.byteLength)
      this.logRows += 1
      this.logBytes += update.byteLength
      const frame = encodeSyncUpdate(update)
      for (const connection of this.connections) connection.send(frame, 'sync-update')
    }
  }

  /** One frame for what a group changed, to everyone but a sole sender. */
  private broadcastApplied(applied: readonly Change[]): void {
    if (applied.length === 0) return
    const merged =
      applied.length === 1 ? applied[0]!.update : Y.mergeUpdates(applied.map((entry) => entry.update))
    const soleSender = applied.every((entry) => entry.peer === applied[0]!.peer)
      ? applied[0]!.peer
      : undefined
    const frame = encodeSyncUpdate(merged)
    for (const connection of this.connections) {
      if (connection !== soleSender) connection.send(frame, 'sync-update')
    }
  }

  /**
   * Notes a presence change for the next window (PresenceWindow). It runs inside y-protocols' emit,
   * also from its 30 s expiry timer, so nothing may escape it: an error here would be uncaught.
   */
  private handleAwarenessUpdate({ added, updated, removed }: AwarenessChanges, origin: unknown): void {
    try {
      this.presenceWindow.note([...added, ...updated], removed, origin !== RELAY_ORIGIN)
    } catch (error) {
      this.ctx.metrics.countInternalError('awareness')
      this.ctx.logger.error({ room: this.name, err: error }, 'noting a presence change failed')
    } finally {
      // Removed by another node or by expiry, and owned by no local connection: nothing will ever
      // use its clock again, and y-protocols would keep the meta entry until the room unloads.
      for (const clientId of removed) {
        if (!this.presence.isOwned(clientId)) this.presence.forget(clientId)
      }
    }
  }

  /** One window's presence changes: one frame to every socket, local ones to the other nodes. */
  private sendPresenceChanges(changes: PresenceFlush): void {
    try {
      const frame = encodeAwareness(changes.all)
      for (const connection of this.connections) connection.send(frame, 'awareness')
      this.ctx.metrics.presenceWindows.observe(changes.windowMs / 1000)
      this.ctx.metrics.presenceWindowEntries.observe(changes.entries)
      if (changes.local) this.ctx.relay?.publish(this.name, { kind: 'awareness', update: changes.local })
    } catch (error) {
      this.ctx.metrics.countInternalError('awareness')
      this.ctx.logger.error({ room: this.name, err: error }, 'broadcasting presence failed')
    }
  }

  /** Applies another node's update (durable on the node that relayed it); our clients get it. */
  private applyRelayed(update: Uint8Array): void {
    let change: { bytes: Uint8Array } | null
    try {
      change = this.integrate(update, RELAY_ORIGIN)
    } catch (error) {
      const partial = this.changedBeforeFailure()
      if (partial) this.sendRelayed(partial)
      throw error
    } finally {
      this.shareOwnChanges()
    }
    if (change) this.sendRelayed(change.bytes)
  }

  private sendRelayed(bytes: Uint8Array): void {
    this.size?.grew(bytes.byteLength)
    const frame = encodeSyncUpdate(bytes)
    for (const connection of this.connections) connection.send(frame, 'sync-update')
  }

  private handleRelayEnvelope({ from, message }: RelayEnvelope): void {
    if (this.destroyed) return
    try {
      switch (message.kind) {
        case 'update':
          this.applyRelayed(message.update)
          break
        case 'awareness': {
          const read = readAwarenessUpdate(message.update)
          if (!read.ok) throw new InvalidUpdateError(read.problem)
          this.ctx.metrics.presenceEntries.labels('relay').inc(read.entries.length)
          const admitted = this.presence.admitFromRelay(read.entries)
          if (admitted) awarenessProtocol.applyAwarenessUpdate(this.awareness, admitted, RELAY_ORIGIN)
          break
        }
        case 'sync-request': {
          const update = Y.encodeStateAsUpdate(this.doc, message.stateVector)
          const stateVector = Y.encodeStateVector(this.doc)
          this.ctx.relay?.publish(this.name, { kind: 'sync-reply', to: from, update, stateVector })
          // A node that just opened the room has no presence yet; idle peers would only show at
          // their next renewal (up to 15 s), so send who is here now.
          if (this.awareness.getStates().size > 0) {
            const clients = [...this.awareness.getStates().keys()]
            const presence = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)
            this.ctx.relay?.publish(this.name, { kind: 'awareness', update: presence })
          }
          break
        }
        case 'sync-reply': {
          this.applyRelayed(message.update)
          // The replier may have missed our changes while it was not subscribed: push them back once.
          const missing = Y.encodeStateAsUpdate(this.doc, message.stateVector)
          this.ctx.relay?.publish(this.name, { kind: 'update', update: missing })
          break
        }
      }
    } catch (error) {
      this.ctx.logger.warn(
        { room: this.name, from, kind: message.kind, err: error },
        'ignoring bad relay message',
      )
    }
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

/** Who wrote an update, for the commit queue's listeners (webhooks, history); never stored. */
function authorOf({ name, userId }: PeerIdentity): UpdateAuthor {
  return name ? { userId, name } : { userId }
}

/**
 * A transaction of the document itself as a V1 update. Yjs's formatting cleanup only deletes, so it
 * is its delete set, written here (Yjs encodes a transaction only while an 'update' listener exists,
 * and listening cost every transaction an encoding); should one ever add structs, the state since
 * its start carries them.
 */
function encodeOwnChange(doc: Y.Doc, transaction: Y.Transaction): Uint8Array {
  const { beforeState, afterState, deleteSet } = transaction
  for (const [client, clock] of afterState) {
    if (beforeState.get(client) !== clock) return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(beforeState))
  }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0) // no structs
  // Yjs's own delete-set layout (writeDeleteSet): clients by descending id, ranges as clock, length.
  const clients = [...deleteSet.clients.entries()].sort(([a], [b]) => b - a)
  encoding.writeVarUint(encoder, clients.length)
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, ranges.length)
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock)
      encoding.writeVarUint(encoder, range.len)
    }
  }
  return encoding.toUint8Array(encoder)
}

/** Whether Yjs holds structs or deletions waiting for ones the document lacks. */
function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null
}

/** The guid of every room's Y.Doc (see Room.doc). */
const ROOM_DOC_GUID = 'tandem-room'

/** A joiner's step 2 is re-encoded once the changes since its base outgrow 1/this of it. */
const JOIN_BASE_MAX_GROWTH = 4

/** A full state of the document that joiners with nothing get (Room.syncStep2For). */
/** Whether `deleteSet` deletes anything written below `clocks` (what a join base holds). */
function deletesFrom(deleteSet: Y.Transaction['deleteSet'], clocks: ReadonlyMap<number, number>): boolean {
  for (const [client, ranges] of deleteSet.clients) {
    const held = clocks.get(client) ?? 0
    if (ranges.some((range) => range.clock < held)) return true
  }
  return false
}

/**
 * Whether `update` holds the content of an item its own delete set deletes (a client's merged
 * offline queue does; an encoding of a document does not: deleted content is collected). Read once
 * per room, for the first update into an empty document.
 */
function carriesDeletedText(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update)
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted) continue
    const { client, clock } = struct.id
    const end = clock + struct.length
    const ranges = ds.clients.get(client) ?? []
    if (ranges.some((range) => range.clock < end && range.clock + range.len > clock)) return true
  }
  return false
}

interface JoinBase {
  /** A V1 update holding the whole document as it was when `stateVector` was read. */
  update: Uint8Array
  readonly stateVector: Uint8Array
  /** `stateVector` decoded: what the base holds of each client (deletions below it void the base). */
  readonly clocks: Map<number, number>
  /** The step 2 frame carrying `update`, encoded at the first join. */
  frame: Uint8Array | null
  /** False once the document changed after `stateVector` was read. */
  current: boolean
}

/** What one applied update changed, for the peers; `peer` sent exactly these bytes (no echo to it). */
interface Change {
  readonly update: Uint8Array
  readonly peer: Peer | null
}

/** Updates of one room that share a commit batch. */
interface QueuedGroup {
  readonly committed: Promise<void>
  readonly updates: Uint8Array[]
  /** The peer each update came from (same index). */
  readonly senders: Peer[]
}

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}
