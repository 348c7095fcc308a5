/** Follows this client's local Yjs updates and the server's SAVED acknowledgements for one document. */
import * as Y from 'yjs'
import type { LocalCopyLoad } from './LocalCopy'
import { isCoveredBy, markPendingChanges, type PendingChange, settlePendingChanges } from './savedState'
import { createValueStore, type ValueStore } from './valueStore'

export interface SaveState {
  /** Local changes the server has not yet confirmed as durably stored. */
  unsavedChanges: number
  /** Whether any SAVED acknowledgement arrived in this session (servers without the extension never send one). */
  acknowledged: boolean
  /** Whether unsaved changes are kept in this browser's local copy (they survive a closed tab). */
  storedLocally: boolean
}

export interface SavedTrackerOptions {
  doc: Y.Doc
  /** True for transaction origins that are not local edits (the provider applying remote updates). */
  isRemoteOrigin: (origin: unknown) => boolean
  /** Whether an update made now goes straight out over an open socket. */
  isSending: () => boolean
}

/** Keeps the list of unacknowledged local changes; read it through `state`. */
export class SavedTracker {
  readonly state: ValueStore<SaveState> = createValueStore<SaveState>({
    unsavedChanges: 0,
    acknowledged: false,
    storedLocally: false,
  })
  private pending: PendingChange[] = []
  /** Changes loaded from the local copy that the server had not confirmed, and what covers them. */
  private earlier: { changes: number; stateVector: Uint8Array } | null = null
  private storedLocally = false
  private ackedClock = 0
  private lastClock: number
  private readonly options: SavedTrackerOptions

  constructor(options: SavedTrackerOptions) {
    this.options = options
    this.lastClock = this.ownClock()
    options.doc.on('update', this.handleUpdate)
  }

  /** A SAVED message arrived: `stateVector` is what the server has durably stored. */
  handleAck(stateVector: Uint8Array): void {
    this.ackedClock = Y.decodeStateVector(stateVector).get(this.options.doc.clientID) ?? 0
    this.pending = settlePendingChanges(this.pending, this.ackedClock)
    if (this.earlier !== null && isCoveredBy(this.earlier.stateVector, stateVector)) this.earlier = null
    this.publish(true)
  }

  /**
   * The local copy was loaded: its unconfirmed changes (from an earlier visit) count as unsaved until
   * an acknowledgement covers them, and from now on unsaved changes are kept in this browser.
   */
  handleLocalCopyLoaded(load: LocalCopyLoad): void {
    this.storedLocally = true
    if (load.unconfirmedChanges > 0) {
      this.earlier = { changes: load.unconfirmedChanges, stateVector: load.stateVector }
    }
    this.publish(this.state.get().acknowledged)
  }

  /** The socket synced: the handshake's sync step 2 carried every pending change. */
  handleSynced(): void {
    this.pending = markPendingChanges(this.pending, true)
  }

  /** The socket closed: changes sent on it may not have arrived, the next handshake re-sends them. */
  handleDisconnected(): void {
    this.pending = markPendingChanges(this.pending, false)
  }

  destroy(): void {
    this.options.doc.off('update', this.handleUpdate)
  }

  private readonly handleUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (this.options.isRemoteOrigin(origin)) return
    const clockAfter = this.ownClock()
    this.pending.push({
      clockAfter,
      advancesClock: clockAfter > this.lastClock,
      sent: this.options.isSending(),
    })
    this.lastClock = clockAfter
    this.publish(this.state.get().acknowledged)
  }

  private ownClock(): number {
    return Y.getState(this.options.doc.store, this.options.doc.clientID)
  }

  private publish(acknowledged: boolean): void {
    const current = this.state.get()
    const unsavedChanges = this.pending.length + (this.earlier?.changes ?? 0)
    if (
      current.unsavedChanges === unsavedChanges &&
      current.acknowledged === acknowledged &&
      current.storedLocally === this.storedLocally
    )
      return
    this.state.set({ unsavedChanges, acknowledged, storedLocally: this.storedLocally })
  }
}
