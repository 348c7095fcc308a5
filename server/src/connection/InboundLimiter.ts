/** Per-connection inbound rate limits: two token buckets, one counting messages, one counting bytes. */
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

/** A bucket that refills continuously at `perSecond`, up to `capacity`. */
class TokenBucket {
  private tokens: number
  private updatedAtMs: number

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = capacity
    this.updatedAtMs = nowMs
  }

  /** Takes `amount` tokens if there are that many; otherwise takes nothing. */
  take(amount: number, nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs)
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.perSecond) / 1000)
    this.updatedAtMs = nowMs
    if (this.tokens < amount) return false
    this.tokens -= amount
    return true
  }
}

/**
 * Charges every inbound frame against both buckets. A frame that finds either bucket short is
 * refused, and the caller closes the socket with RATE_LIMITED: nothing is queued or delayed, so a
 * flooding client costs the server no memory.
 */
export class InboundLimiter {
  private readonly messages: TokenBucket
  private readonly bytes: TokenBucket

  constructor(
    limits: InboundLimits,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    const start = now()
    this.messages = new TokenBucket(limits.messagesBurst, limits.messagesPerSecond, start)
    this.bytes = new TokenBucket(limits.bytesBurst, limits.bytesPerSecond, start)
  }

  admit(byteLength: number): InboundVerdict {
    const nowMs = this.now()
    if (!this.messages.take(1, nowMs)) return 'message-rate'
    if (!this.bytes.take(byteLength, nowMs)) return 'byte-rate'
    return 'ok'
  }
}
