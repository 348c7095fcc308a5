/** Per-connection inbound rate limits: a message budget and a byte budget, each a token bucket. */
import type { LimitName } from '../metrics'

export interface InboundLimits {
  /** Messages regained per second, up to `messagesBurst`. */
  readonly messagesPerSecond: number
  /** Messages a connection may send at once (the bucket starts full). */
  readonly messagesBurst: number
  /** Bytes regained per second, up to `bytesBurst`. */
  readonly bytesPerSecond: number
  /** Bytes a connection may send at once; at least the largest frame accepted. */
  readonly bytesBurst: number
}

/** Which limit a frame broke, or `ok`. */
export type InboundVerdict = 'ok' | Extract<LimitName, 'message-rate' | 'byte-rate'>

/** Shared by every limiter: a bound function per socket would cost each one a closure. */
function monotonicNow(): number {
  return performance.now()
}

/**
 * Charges every inbound frame against two token buckets, one counting messages, one counting bytes,
 * each refilling continuously up to its burst. A frame that finds either bucket short is refused,
 * and the caller closes the socket with RATE_LIMITED: nothing is queued or delayed, so a flooding
 * client costs the server no memory. One object per socket, three numbers: the limits and the clock
 * are the node's.
 */
export class InboundLimiter {
  private messageTokens: number
  private byteTokens: number
  private updatedAtMs: number

  constructor(
    private readonly limits: InboundLimits,
    private readonly now: () => number = monotonicNow,
  ) {
    this.messageTokens = limits.messagesBurst
    this.byteTokens = limits.bytesBurst
    this.updatedAtMs = now()
  }

  admit(byteLength: number): InboundVerdict {
    const nowMs = this.now()
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs)
    this.updatedAtMs = nowMs
    const { limits } = this
    this.messageTokens = Math.min(
      limits.messagesBurst,
      this.messageTokens + (elapsedMs * limits.messagesPerSecond) / 1000,
    )
    this.byteTokens = Math.min(
      limits.bytesBurst,
      this.byteTokens + (elapsedMs * limits.bytesPerSecond) / 1000,
    )
    if (this.messageTokens < 1) return 'message-rate'
    this.messageTokens -= 1
    if (this.byteTokens < byteLength) return 'byte-rate'
    this.byteTokens -= byteLength
    return 'ok'
  }
}
