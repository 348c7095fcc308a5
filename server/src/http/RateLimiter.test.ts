import { describe, expect, it } from 'vitest'
import { RateLimiter } from './RateLimiter'

function limiterWithClock(options: { capacity: number; refillPerSecond: number; maxTrackedKeys?: number }) {
  const clock = { ms: 1_000_000 }
  return { clock, limiter: new RateLimiter({ ...options, now: () => clock.ms }) }
}

describe('RateLimiter', () => {
  it('allows a burst of `capacity`, then refuses with the wait until the next request', () => {
    const { limiter } = limiterWithClock({ capacity: 3, refillPerSecond: 2 })
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toEqual({ allowed: true })
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 500 })
  })

  it('refills at the configured rate, never above capacity', () => {
    const { clock, limiter } = limiterWithClock({ capacity: 2, refillPerSecond: 1 })
    limiter.take('a')
    limiter.take('a')
    clock.ms += 1000
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
    clock.ms += 60_000
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
  })

  it('keeps one bucket per key', () => {
    const { limiter } = limiterWithClock({ capacity: 1, refillPerSecond: 1 })
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
    expect(limiter.take('b').allowed).toBe(true)
  })

  it('remembers at most maxTrackedKeys, forgetting the least recently seen', () => {
    const { limiter } = limiterWithClock({ capacity: 1, refillPerSecond: 0.001, maxTrackedKeys: 2 })
    limiter.take('a')
    limiter.take('b')
    expect(limiter.take('a').allowed).toBe(false) // a is now the most recently seen
    limiter.take('c') // evicts b
    expect(limiter.size).toBe(2)
    expect(limiter.take('a').allowed).toBe(false)
    expect(limiter.take('b').allowed).toBe(true)
  })

  it('refuses nonsensical options', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError)
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError)
  })
})

describe('RateLimiter.check', () => {
  it('answers like take would, without spending', () => {
    let now = 0
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1, now: () => now })
    expect(limiter.check('a')).toEqual({ allowed: true })
    expect(limiter.check('a')).toEqual({ allowed: true })
    limiter.take('a')
    limiter.take('a')
    expect(limiter.check('a')).toEqual({ allowed: false, retryAfterMs: 1000 })
    expect(limiter.check('b')).toEqual({ allowed: true })
    now = 1000
    expect(limiter.check('a')).toEqual({ allowed: true })
    expect(limiter.take('a')).toEqual({ allowed: true })
  })
})
