/**
 * End-to-end latency bookkeeping in the one process that both sends and receives, so one clock
 * serves both ends: writers note when they made each update (by its Yjs id: client and clock),
 * receivers look that time up when the update reaches them.
 */
import { percentile } from '../measure/stats'

export interface LatencySummary {
  /** Updates (or presence entries) delivered to a receiver other than their author while recording. */
  readonly delivered: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** When each update was made: send time (performance.now()) per client id, indexed by clock. */
export class SendTimes {
  private readonly sentAt = new Map<number, number[]>()

  mark(client: number, clock: number, atMs: number): void {
    let times = this.sentAt.get(client)
    if (!times) {
      times = []
      this.sentAt.set(client, times)
    }
    times[clock] = atMs
  }

  of(client: number): readonly (number | undefined)[] | undefined {
    return this.sentAt.get(client)
  }
}

/** Deliveries seen by one group of receivers; several logs may share one SendTimes. */
export class DeliveryLog {
  private recording = false
  private latencies: number[] = []
  private delivered = 0
  /** Every delivery since the log was made, recording or not (to see when traffic has drained). */
  totalDelivered = 0
  /** Called for every delivery, recording or not (closed-loop writers top up their window here). */
  onDelivered: ((client: number, count: number) => void) | null = null

  constructor(readonly sendTimes: SendTimes = new SendTimes()) {}

  markSent(client: number, clock: number, atMs: number): void {
    this.sendTimes.mark(client, clock, atMs)
  }

  /** A receiver got clocks [from, to) of `client`. Clocks this log never saw sent are ignored. */
  markDelivered(client: number, from: number, to: number, nowMs: number): void {
    const times = this.sendTimes.of(client)
    if (!times) return
    let count = 0
    for (let clock = from; clock < to; clock++) {
      const sent = times[clock]
      if (sent === undefined) continue
      count++
      if (this.recording) this.latencies.push(nowMs - sent)
    }
    if (this.recording) this.delivered += count
    this.totalDelivered += count
    if (count > 0) this.onDelivered?.(client, count)
  }

  /** A delivery whose latency the receiver computed itself (presence states carry their send time). */
  recordLatency(latencyMs: number): void {
    this.totalDelivered++
    if (!this.recording) return
    this.latencies.push(latencyMs)
    this.delivered++
  }

  /** Starts a measurement window, discarding what was recorded before. */
  start(): void {
    this.recording = true
    this.latencies = []
    this.delivered = 0
  }

  stop(): LatencySummary {
    this.recording = false
    const summary = {
      delivered: this.delivered,
      p50Ms: percentile(this.latencies, 50),
      p99Ms: percentile(this.latencies, 99),
      maxMs: percentile(this.latencies, 100),
    }
    this.latencies = []
    return summary
  }
}
