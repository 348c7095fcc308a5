/**
 * Offers a fixed total rate of actions (keystrokes, presence updates) spread evenly over time and
 * over clients, from one timer: hundreds of per-client timers would cost the load generator more
 * than the servers it measures.
 */

/** How often the pacer wakes; actions due meanwhile go out together. */
const TICK_MS = 2
/** Falling this far behind schedule means the load generator, not the server, is the limit. */
const MAX_LAG_MS = 100

export class Pacer {
  private timer: NodeJS.Timeout | undefined
  private startedAt = 0
  private done = 0
  private cursor = 0
  /** Set once the pacer could not keep up with its schedule. */
  lagged = false

  /**
   * @param perSecond total actions per second
   * @param actors each action goes to the next actor, round robin
   * @param act performs one action for one actor
   */
  constructor(
    private readonly perSecond: number,
    private readonly actors: number,
    private readonly act: (actor: number) => void,
  ) {}

  start(): void {
    this.startedAt = performance.now()
    this.done = 0
    this.timer = setInterval(() => this.tick(), TICK_MS)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private tick(): void {
    const elapsedMs = performance.now() - this.startedAt
    const due = Math.floor((elapsedMs / 1000) * this.perSecond)
    const behind = due - this.done
    if (behind > (MAX_LAG_MS / 1000) * this.perSecond + 1) this.lagged = true
    for (let i = 0; i < behind; i++) {
      this.act(this.cursor)
      this.cursor = (this.cursor + 1) % this.actors
    }
    this.done = due
  }
}
