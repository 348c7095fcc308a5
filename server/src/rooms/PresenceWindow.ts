/**
 * Merges a room's presence (awareness) changes over a short window into one frame for every socket
 * and one relay message, instead of one frame per change per socket. With N people moving their
 * caret once a second that was N^2 frames a second (1,000 people: a saturated core delivering 14%);
 * merged, it is N frames per window, each carrying every entry that changed in it.
 *
 * The window is the next event-loop turn in small rooms, where a few changes a second cost little
 * and latency shows most, and grows with the room up to a configured maximum (PRESENCE_WINDOW_MAX_MS).
 * A removal (someone leaving) goes out with the window it falls in, like any change.
 */
import type { Awareness } from 'y-protocols/awareness'
import { encodeAwarenessEntries } from './PresenceGate'
import type { AwarenessEntry } from './validateAwarenessUpdate'

/** Rooms with fewer connections than this flush on the next turn. */
const SMALL_ROOM_PEERS = 20
/** Above SMALL_ROOM_PEERS, the window grows by 1 ms per this many connections. */
const PEERS_PER_MS = 10

/** The window for a room of `peers` connections (0: the next turn). */
export function presenceWindowMs(peers: number, maxWindowMs: number): number {
  if (peers < SMALL_ROOM_PEERS) return 0
  return Math.min(maxWindowMs, Math.ceil(peers / PEERS_PER_MS))
}

/** One window's changes, encoded as y-protocols awareness updates. */
export interface PresenceFlush {
  /** Every entry that changed: for the room's own sockets. */
  readonly all: Uint8Array
  /** Entries whose last change came from a local socket: for the other nodes (null: none). */
  readonly local: Uint8Array | null
  /** Entries in `all`. */
  readonly entries: number
  /** How long the window was open. */
  readonly windowMs: number
}

export interface PresenceWindowOptions {
  /** The window to open for the next change (read when a window opens). */
  readonly windowMs: () => number
  /** Sends a window's changes. Runs from a timer: it must not throw. */
  readonly flush: (changes: PresenceFlush) => void
}

interface Change {
  /** The clock a removal carried, kept because the room may drop the id's meta entry at once. */
  removedAtClock: number | undefined
  /** The last change came from a local socket (relay it), not from another node. */
  local: boolean
}

export class PresenceWindow {
  private readonly changes = new Map<number, Change>()
  /** Cancels the open window's timer; undefined while no window is open. */
  private stopTimer: (() => void) | undefined
  private openedAt = 0

  constructor(
    private readonly awareness: Awareness,
    private readonly options: PresenceWindowOptions,
  ) {}

  /**
   * Records what one awareness 'update' event changed. Call from the event itself, before the room
   * forgets removed ids: their clocks are read here.
   */
  note(changed: readonly number[], removed: readonly number[], local: boolean): void {
    for (const clientId of changed) this.changes.set(clientId, { removedAtClock: undefined, local })
    for (const clientId of removed) {
      const clock = this.awareness.meta.get(clientId)?.clock
      if (clock !== undefined) this.changes.set(clientId, { removedAtClock: clock, local })
    }
    if (this.changes.size > 0) this.open()
  }

  /** Sends what is waiting now (the room is going away: the other nodes must still hear of removals). */
  flushNow(): void {
    this.cancel()
    if (this.changes.size === 0) return
    const all: AwarenessEntry[] = []
    const local: AwarenessEntry[] = []
    for (const [clientId, change] of this.changes) {
      const entry = this.entryFor(clientId, change)
      if (entry === null) continue
      all.push(entry)
      if (change.local) local.push(entry)
    }
    this.changes.clear()
    if (all.length === 0) return
    this.options.flush({
      all: encodeAwarenessEntries(all),
      local: local.length > 0 ? encodeAwarenessEntries(local) : null,
      entries: all.length,
      windowMs: performance.now() - this.openedAt,
    })
  }

  /** Drops the timer (not the changes). */
  cancel(): void {
    this.stopTimer?.()
    this.stopTimer = undefined
  }

  private open(): void {
    if (this.stopTimer !== undefined) return
    this.openedAt = performance.now()
    const ms = this.options.windowMs()
    const run = () => {
      this.stopTimer = undefined
      this.flushNow()
    }
    if (ms > 0) {
      const timer = setTimeout(run, ms)
      this.stopTimer = () => clearTimeout(timer)
    } else {
      const immediate = setImmediate(run)
      this.stopTimer = () => clearImmediate(immediate)
    }
  }

  /** The entry as it stands now: its current state, or the removal it last had. */
  private entryFor(clientId: number, change: Change): AwarenessEntry | null {
    const state = this.awareness.states.get(clientId)
    const clock = this.awareness.meta.get(clientId)?.clock
    if (state !== undefined && clock !== undefined) return { clientId, clock, state }
    const removedAt = clock ?? change.removedAtClock
    return removedAt === undefined ? null : { clientId, clock: removedAt, state: null }
  }
}
