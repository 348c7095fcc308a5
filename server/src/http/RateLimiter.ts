/** Token-bucket rate limiting per key (a client address): bursts up to a capacity, then a steady rate. */

export interface RateLimiterOptions {
  /** Requests a fresh key may make at once. */
  capacity: number
  /** Requests regained per second, up to `capacity`. */
  refillPerSecond: number
  /** Keys remembered at most; the least recently seen is forgotten first. Default 10,000. */
  maxTrackedKeys?: number
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number
}

export type RateLimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number }

const DEFAULT_MAX_TRACKED_KEYS = 10_000

interface Bucket {
  tokens: number
  updatedAtMs: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly capacity: number
  private readonly refillPerMs: number
  private readonly maxTrackedKeys: number
  private readonly now: () => number

  constructor(options: RateLimiterOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError('RateLimiter needs capacity >= 1 and refillPerSecond > 0')
    }
    this.capacity = options.capacity
    this.refillPerMs = options.refillPerSecond / 1000
    this.maxTrackedKeys = options.maxTrackedKeys ?? DEFAULT_MAX_TRACKED_KEYS
    this.now = options.now ?? Date.now
  }

  /**
   * Whether `key` has a request left, without spending it: for limits that count only failures (the
   * upgrade spends on refusal), checked before doing the work that may fail.
   */
  check(key: string): RateLimitDecision {
    const bucket = this.buckets.get(key)
    if (!bucket) return { allowed: true }
    const tokens = Math.min(
      this.capacity,
      bucket.tokens + (this.now() - bucket.updatedAtMs) * this.refillPerMs,
    )
    return tokens >= 1
      ? { allowed: true }
      : { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / this.refillPerMs) }
  }

  /** Spends one request of `key`'s allowance, or says how long until one is available. */
  take(key: string): RateLimitDecision {
    const now = this.now()
    const bucket = this.buckets.get(key)
    let tokens = this.capacity
    if (bucket) {
      tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAtMs) * this.refillPerMs)
      // Re-inserting keeps the Map in least-recently-seen order for eviction.
      this.buckets.delete(key)
    } else if (this.buckets.size >= this.maxTrackedKeys) {
      // A forgotten key starts with a full bucket: eviction can only be generous, never lock anyone out.
      const oldest = this.buckets.keys().next().value
      if (oldest !== undefined) this.buckets.delete(oldest)
    }
    if (tokens < 1) {
      this.buckets.set(key, { tokens, updatedAtMs: now })
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / this.refillPerMs) }
    }
    this.buckets.set(key, { tokens: tokens - 1, updatedAtMs: now })
    return { allowed: true }
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size
  }
}
