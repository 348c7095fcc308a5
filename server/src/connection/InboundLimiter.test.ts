import { describe, expect, it } from 'vitest'
import { InboundLimiter } from './InboundLimiter'

const LIMITS = { messagesPerSecond: 10, messagesBurst: 5, bytesPerSecond: 100, bytesBurst: 500 }

function limiterAt(clock: { ms: number }) {
  return new InboundLimiter(LIMITS, () => clock.ms)
}

describe('InboundLimiter', () => {
  it('allows a burst of messages, then refuses until the bucket refills', () => {
    const clock = { ms: 0 }
    const limiter = limiterAt(clock)
    for (let i = 0; i < 5; i++) expect(limiter.admit(1)).toBe('ok')
    expect(limiter.admit(1)).toBe('message-rate')
    clock.ms += 100 // one message regained at 10 per second
    expect(limiter.admit(1)).toBe('ok')
    expect(limiter.admit(1)).toBe('message-rate')
  })

  it('counts bytes separately: one big frame can use the whole byte burst', () => {
    const clock = { ms: 0 }
    const limiter = limiterAt(clock)
    expect(limiter.admit(500)).toBe('ok')
    expect(limiter.admit(1)).toBe('byte-rate')
    clock.ms += 1000
    expect(limiter.admit(100)).toBe('ok')
    expect(limiter.admit(1)).toBe('byte-rate')
  })

  it('never refills past the burst, however long the connection was quiet', () => {
    const clock = { ms: 0 }
    const limiter = limiterAt(clock)
    clock.ms += 3_600_000
    for (let i = 0; i < 5; i++) expect(limiter.admit(1)).toBe('ok')
    expect(limiter.admit(1)).toBe('message-rate')
  })

  it('lets a sender at the sustained rate go on forever', () => {
    const clock = { ms: 0 }
    const limiter = limiterAt(clock)
    for (let i = 0; i < 1000; i++) {
      clock.ms += 100
      expect(limiter.admit(10)).toBe('ok')
    }
  })
})
