/**
 * How often each payer may have a comments document's check mirror rebuilt (a whole-document decode:
 * 200-700 ms for a 2 MiB document). Refusals are cheap to cause (a new guest id each time) and each
 * one costs the next check a rebuild, so without a budget one link holder could stall the node.
 *
 * The budget is a share of wall time per document and payer: after a build that took `d` ms, that
 * payer's next may start only `d * (1 / maxShare - 1)` ms after it ended. The payer is whoever made
 * the build necessary (the sender whose update was refused), never the next sender: with one budget
 * per document, one link holder refusing an update every few seconds kept it spent and everyone
 * else's comments were refused (4429). A small document (a rebuild well under a millisecond) is
 * never held back in practice; a large one is held to `maxShare` of one core per payer. It lives at
 * registry level (one per server), so unloading and reloading the room does not reset it.
 */
import { performance } from 'node:perf_hooks'

/** Share of one core a document's mirror rebuilds may take. */
export const MIRROR_REBUILD_SHARE = 0.1

/** Documents and payers remembered at most; the least recently built is forgotten first. */
const MAX_TRACKED_PAYERS = 50_000

export interface MirrorRebuildBudgetOptions {
  readonly maxShare?: number
  /** Milliseconds, monotonic. Default `performance.now`. */
  readonly now?: () => number
}

export class MirrorRebuildBudget {
  /** Per room and payer: when its next build may start. In least-recently-built order, for eviction. */
  private readonly nextAllowedAt = new Map<string, number>()
  private readonly maxShare: number
  private readonly now: () => number

  constructor(options: MirrorRebuildBudgetOptions = {}) {
    this.maxShare = options.maxShare ?? MIRROR_REBUILD_SHARE
    if (!(this.maxShare > 0 && this.maxShare <= 1)) throw new RangeError('maxShare must be in (0, 1]')
    this.now = options.now ?? (() => performance.now())
  }

  /** Milliseconds until `payer` may have `room` built again; 0 when it may now. */
  waitMs(room: string, payer: string): number {
    return Math.max(0, (this.nextAllowedAt.get(keyOf(room, payer)) ?? 0) - this.now())
  }

  /** Runs `build` for `room` and charges its duration to `payer`'s budget there. */
  charge<T>(room: string, payer: string, build: () => T): T {
    const key = keyOf(room, payer)
    const started = this.now()
    try {
      return build()
    } finally {
      const ended = this.now()
      this.nextAllowedAt.delete(key)
      if (this.nextAllowedAt.size >= MAX_TRACKED_PAYERS) {
        const oldest = this.nextAllowedAt.keys().next().value
        if (oldest !== undefined) this.nextAllowedAt.delete(oldest)
      }
      this.nextAllowedAt.set(key, ended + (ended - started) * (1 / this.maxShare - 1))
    }
  }
}

function keyOf(room: string, payer: string): string {
  return `${room}\0${payer}`
}
