import { describe, expect, it } from 'vitest'
import { DocumentSize, REMEASURE_MIN_INTERVAL_MS } from './DocumentSize'

function sized(loadedBytes: number, exact: { bytes: number; calls: number }, clock = { ms: 0 }) {
  return new DocumentSize({
    maxBytes: 1000,
    loadedBytes,
    measure: () => {
      exact.calls++
      return exact.bytes
    },
    now: () => clock.ms,
  })
}

describe('DocumentSize', () => {
  it('accepts without measuring while the estimate stays under the limit', () => {
    const exact = { bytes: 0, calls: 0 }
    const size = sized(100, exact)
    expect(size.fits(900)).toBe(true)
    size.accepted(900)
    expect(size.estimateBytes).toBe(1000)
    expect(exact.calls).toBe(0)
  })

  it('measures exactly when the estimate would cross the limit, and accepts what really fits', () => {
    // Loaded from a long overlapping log: 900 stored bytes, but the document encodes to 300.
    const exact = { bytes: 300, calls: 0 }
    const size = sized(900, exact)
    expect(size.fits(200)).toBe(true)
    expect(exact.calls).toBe(1)
    expect(size.estimateBytes).toBe(300)
  })

  it('refuses what does not fit even measured, and does not measure again until the document changed', () => {
    const exact = { bytes: 950, calls: 0 }
    const clock = { ms: 0 }
    const size = sized(950, exact, clock)
    expect(size.fits(100)).toBe(false)
    clock.ms += REMEASURE_MIN_INTERVAL_MS * 2
    expect(size.fits(100)).toBe(false)
    expect(exact.calls, 'unchanged document: no second encode').toBe(1)
  })

  it('measures at most once per interval while a document near its limit keeps changing', () => {
    const exact = { bytes: 990, calls: 0 }
    const clock = { ms: 0 }
    const size = sized(990, exact, clock)
    expect(size.fits(20)).toBe(false)
    size.grew(5)
    expect(size.fits(20)).toBe(false)
    expect(exact.calls).toBe(1)
    clock.ms += REMEASURE_MIN_INTERVAL_MS
    exact.bytes = 500 // someone deleted a lot meanwhile
    expect(size.fits(20)).toBe(true)
    expect(exact.calls).toBe(2)
  })

  it('counts updates still being stored, and forgets those that failed to store', () => {
    const exact = { bytes: 0, calls: 0 }
    const size = sized(0, exact)
    size.accepted(600)
    expect(size.estimateBytes).toBe(600)
    size.settled(600, false)
    expect(size.estimateBytes).toBe(0)
    size.accepted(600)
    size.settled(600, true)
    expect(size.estimateBytes).toBe(600)
  })
})
