/**
 * How often each comments document may rebuild its check's mirror (a whole-document decode: 200-700
 * ms for a 2 MiB document). Refusals are cheap to cause (a new guest id each time) and each one
 * costs the next check a rebuild, so without a budget one link holder could stall the node.
 *
 * The budget is a share of wall time per document: after a build that took `d` ms, the next may
 * start only `d * (1 / maxShare - 1)` ms after it ended. A small document (a rebuild well under a
 * millisecond) is never held back in practice; a large one is held to `maxShare` of one core. It
 * lives at registry level (one per server, keyed by room name), so unloading and reloading the room
 * does not reset it.
 */
import { performance } from 'node:perf_hooks'

/** Share of one core a document's mirror rebuilds may take. */
export const MIRROR_REBUILD_SHARE = 0.1

/** Documents remembered at most; the least recently built is forgotten first (generous, never stuck). */
const MAX_TRACKED_ROOMS = 10_000

export interface MirrorRebuildBudgetOptions {
  readonly maxShare?: number
  /** Milliseconds, monotonic. Default `performance.now`. */
  readonly now?: () => number
}

export class MirrorRebuildBudget {
  /** Per room: when its next build may start. In least-recently-built order, for eviction. */
  private readonly nextAllowedAt = new Map<string, number>()
  private readonly maxShare: number
  private readonly now: () => number

  constructor(options: MirrorRebuildBudgetOptions = {}) {
    this.maxShare = options.maxShare ?? MIRROR_REBUILD_SHARE
    if (!(this.maxShare > 0 && this.maxShare <= 1)) throw new RangeError('maxShare must be in (0, 1]')
    this.now = options.now ?? (() => performance.now())
  }

  /** Milliseconds until `room` may build again; 0 when it may now. */
  waitMs(room: string): number {
    return Math.max(0, (this.nextAllowedAt.get(room) ?? 0) - this.now())
  }

  /** Runs `build` for `room` and charges its duration to the room's budget. */
  charge<T>(room: string, build: () => T): T {
    const started = this.now()
    try {
      return build()
    } finally {
      const ended = this.now()
      this.nextAllowedAt.delete(room)
      if (this.nextAllowedAt.size >= MAX_TRACKED_ROOMS) {
        const oldest = this.nextAllowedAt.keys().next().value
        if (oldest !== undefined) this.nextAllowedAt.delete(oldest)
      }
      this.nextAllowedAt.set(room, ended + (ended - started) * (1 / this.maxShare - 1))
    }
  }
}
