/**
 * Ends what has an expiry (a connection's token) on one timer for the whole node, armed for the
 * soonest expiry it holds: ten thousand sockets cost one timer, not ten thousand, and a right still
 * ends when it expires (a heartbeat-sized sweep would let it outlive its token by up to 15 s).
 */

/** Timers above this overflow to 1 ms in Node; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface ExpiryScheduleOptions<T> {
  /** Called once per item whose expiry passed; the item is already removed from the schedule. */
  readonly onExpired: (item: T) => void
  /** Whatever `onExpired` threw: reported here, it neither skips the other items nor escapes the timer. */
  readonly onError: (error: unknown, item: T) => void
  readonly now?: () => number
}

export class ExpirySchedule<T> {
  private readonly expiries = new Map<T, number>()
  private timer: NodeJS.Timeout | undefined
  /** When the timer fires (ms since the epoch); Infinity when it is not armed. */
  private armedForMs = Number.POSITIVE_INFINITY
  private readonly fire = () => this.expireDue()
  private readonly now: () => number

  constructor(private readonly options: ExpiryScheduleOptions<T>) {
    this.now = options.now ?? Date.now
  }

  /** Items waiting for their expiry. */
  get size(): number {
    return this.expiries.size
  }

  /** Ends `item` at `expiresAtMs` (ms since the epoch); a time already past ends it on the next turn. */
  add(item: T, expiresAtMs: number): void {
    this.expiries.set(item, expiresAtMs)
    if (expiresAtMs < this.armedForMs) this.arm(expiresAtMs)
  }

  /** Forgets `item` (it closed first). The timer stays armed unless nothing is left: firing early is harmless. */
  delete(item: T): void {
    if (!this.expiries.delete(item) || this.expiries.size > 0) return
    this.disarm()
  }

  /** Forgets everything and stops the timer (the node is shutting down). */
  stop(): void {
    this.expiries.clear()
    this.disarm()
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
    for (const entry of this.expiries) {
      if (entry[1] <= now) expired.push(entry)
      else if (entry[1] < soonest) soonest = entry[1]
    }
    // A late timer (a busy event loop) finds several due at once: they still end in expiry order.
    expired.sort((a, b) => a[1] - b[1])
    for (const [item] of expired) {
      this.expiries.delete(item)
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

  private disarm(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.armedForMs = Number.POSITIVE_INFINITY
  }
}
