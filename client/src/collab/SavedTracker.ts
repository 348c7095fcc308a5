/** Follows this client's local Yjs updates and the server's SAVED acknowledgements for one document. */
import * as Y from 'yjs'
import { markPendingChanges, type PendingChange, settlePendingChanges } from './savedState'
import { createValueStore, type ValueStore } from './valueStore'

export interface SaveState {
  /** Local changes the server has not yet confirmed as durably stored. */
  unsavedChanges: number
  /** Whether any SAVED acknowledgement arrived in this session (servers without the extension never send one). */
  acknowledged: boolean
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
  })
  private pending: PendingChange[] = []
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
    this.publish(true)
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
    if (current.unsavedChanges === this.pending.length && current.acknowledged === acknowledged) return
    this.state.set({ unsavedChanges: this.pending.length, acknowledged })
  }
}
