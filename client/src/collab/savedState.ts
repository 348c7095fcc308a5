/**
 * "All changes saved" vs "N unsaved changes": which local edits the server has acknowledged as durably
 * stored, judged from the state vectors in SAVED messages.
 */
import * as Y from 'yjs'

/** One local Yjs update (one transaction: typically one keystroke or one toolbar action). */
export interface PendingChange {
  /** This client's clock right after the update. */
  clockAfter: number
  /** False for pure deletions: Yjs deletions do not advance the clock, so a state vector cannot cover them. */
  advancesClock: boolean
  /** Whether the update has gone out over an open socket since the last disconnect. */
  sent: boolean
}

/**
 * The changes still unsaved after the server acknowledged `ackedClock` for this client.
 * An insertion is saved exactly when the acknowledged clock reaches its `clockAfter`. A pure deletion
 * is taken as saved when it was sent and everything this client inserted up to it is acknowledged:
 * an approximation, because a state vector carries no delete set.
 */
export function settlePendingChanges(pending: readonly PendingChange[], ackedClock: number): PendingChange[] {
  return pending.filter((change) => {
    if (change.clockAfter > ackedClock) return true
    return !change.advancesClock && !change.sent
  })
}

/** Marks every pending change as (not) sent: all are re-sent by the sync handshake after a reconnect. */
export function markPendingChanges(pending: readonly PendingChange[], sent: boolean): PendingChange[] {
  return pending.map((change) => (change.sent === sent ? change : { ...change, sent }))
}

/**
 * Whether `stateVector` holds nothing `acked` lacks. Deletions are not in state vectors, so a copy
 * whose only unconfirmed change is a deletion counts as confirmed (as SavedTracker does).
 */
export function isCoveredBy(stateVector: Uint8Array, acked: Uint8Array | null): boolean {
  const ackedClocks = acked === null ? new Map<number, number>() : Y.decodeStateVector(acked)
  for (const [client, clock] of Y.decodeStateVector(stateVector)) {
    if ((ackedClocks.get(client) ?? 0) < clock) return false
  }
  return true
}
