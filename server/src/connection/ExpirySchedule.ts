/**
 * Ends what has an expiry (a connection's token) on one timer for the whole node, armed for the
 * soonest expiry: ten thousand sockets cost one timer, not ten thousand, and a right still ends when
 * it expires (a heartbeat-sized sweep would let it outlive its token by up to 15 s). The schedule
 * keeps no list of its own: each pass reads the items and their expiries from its owner (the node's
 * connections, which carry their token's expiry), so an open socket costs it nothing (issue 16).
 */

/** Timers above this overflow to 1 ms in Node; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface ExpiryScheduleOptions<T> {
  /** Everything that may expire, read on each pass; an item leaves the schedule by leaving this. */
  readonly items: Iterable<T>
  /** When `item` expires (ms since the epoch), or null when it never does. */
  readonly expiresAtMs: (item: T) => number | null
  /**
   * Called for each item whose expiry passed, on every pass while it is still among `items`: ending
   * an item must be harmless to repeat (a connection's close is) until its owner removes it.
   */
  readonly onExpired: (item: T) => void
  /** Whatever `onExpired` threw: reported here, it neither skips the other items nor escapes the timer. */
  readonly onError: (error: unknown, item: T) => void
  readonly now?: () => number
}

export class ExpirySchedule<T> {
  private timer: NodeJS.Timeout | undefined
  /** When the timer fires (ms since the epoch); Infinity when it is not armed. */
  private armedForMs = Number.POSITIVE_INFINITY
  private readonly fire = () => this.expireDue()
  private readonly now: () => number

  constructor(private readonly options: ExpiryScheduleOptions<T>) {
    this.now = options.now ?? Date.now
  }

  /**
   * Makes sure a pass runs by `expiresAtMs` (call it for each new item that expires); a time already
   * past runs one on the next turn. A pass that finds nothing due is harmless.
   */
  expectBy(expiresAtMs: number): void {
    if (expiresAtMs < this.armedForMs) this.arm(expiresAtMs)
  }

  /** Stops the timer (the node is shutting down). */
  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.armedForMs = Number.POSITIVE_INFINITY
  }

  /**
   * One pass over the items: ends the expired ones and re-arms for the soonest of the rest. A pass
   * runs once per distinct expiry time (tokens end once each), and 10,000 items take about 0.1 ms.
   */
  private expireDue(): void {
    this.timer = undefined
    this.armedForMs = Number.POSITIVE_INFINITY
    const now = this.now()
    const expired: Array<[T, number]> = []
    let soonest = Number.POSITIVE_INFINITY
    for (const item of this.options.items) {
      const atMs = this.options.expiresAtMs(item)
      if (atMs === null) continue
      if (atMs <= now) expired.push([item, atMs])
      else if (atMs < soonest) soonest = atMs
    }
    // A late timer (a busy event loop) finds several due at once: they still end in expiry order.
    expired.sort((a, b) => a[1] - b[1])
    for (const [item] of expired) {
      try {
        this.options.onExpired(item)
      } catch (error) {
        this.options.onError(error, item)
      }
    }
    if (soonest !== Number.POSITIVE_INFINITY) this.arm(soonest)
  }

  private arm(atMs: number): void {
    clearTimeout(this.timer)
    this.armedForMs = atMs
    this.timer = setTimeout(this.fire, Math.max(0, Math.min(atMs - this.now(), MAX_TIMER_MS)))
    this.timer.unref()
  }
}
