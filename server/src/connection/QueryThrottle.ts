/**
 * Answers a connection's query-awareness messages at a bounded rate. Each answer carries every
 * presence in the room, so unthrottled one-byte queries were a 23,000x amplifier (1,850 queries got
 * 43 MB of replies). Queries inside the interval share one answer sent when it ends: a client that
 * asks always hears back, at most once per interval.
 */

export type QueryVerdict = 'answered' | 'deferred' | 'coalesced'

export class QueryThrottle {
  private lastAnsweredAtMs = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly intervalMs: number) {}

  /** Runs `answer` now, or once when the interval ends (shared by every query until then). */
  request(answer: () => void, nowMs = Date.now()): QueryVerdict {
    if (this.timer !== undefined) return 'coalesced'
    const waitMs = this.lastAnsweredAtMs + this.intervalMs - nowMs
    if (waitMs <= 0) {
      this.lastAnsweredAtMs = nowMs
      answer()
      return 'answered'
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.lastAnsweredAtMs = Date.now()
      answer()
    }, waitMs)
    this.timer.unref()
    return 'deferred'
  }

  /** Drops a deferred answer (the connection closed). */
  cancel(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}
