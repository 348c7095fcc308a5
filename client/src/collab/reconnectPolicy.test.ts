// @vitest-environment node
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import {
  decideAfterClose,
  RECONNECT_FIRST_WINDOW_MS,
  RECONNECT_MAX_DELAY_MS,
  RECONNECT_MIN_DELAY_MS,
  reconnectDelayMs,
} from './reconnectPolicy'

describe('reconnectDelayMs', () => {
  it('spans the whole window from the minimum to the attempt ceiling (full jitter)', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(RECONNECT_MIN_DELAY_MS)
    expect(reconnectDelayMs(0, () => 1)).toBe(RECONNECT_FIRST_WINDOW_MS)
    expect(reconnectDelayMs(2, () => 1)).toBe(RECONNECT_FIRST_WINDOW_MS * 4)
  })

  it('never exceeds the maximum, however many attempts failed', () => {
    expect(reconnectDelayMs(50, () => 1)).toBe(RECONNECT_MAX_DELAY_MS)
    expect(reconnectDelayMs(5, () => 0.999)).toBeLessThanOrEqual(RECONNECT_MAX_DELAY_MS)
  })

  it('spreads clients reconnecting after the same restart', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const delays = Array.from({ length: 1000 }, () => reconnectDelayMs(0, random))
    const distinct = new Set(delays.map((delay) => Math.floor(delay / 50)))
    // 1,000 clients land in (almost) every 50 ms bucket of the 250-1,000 ms window, not one instant.
    expect(distinct.size).toBeGreaterThanOrEqual(15)
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(RECONNECT_MIN_DELAY_MS)
    expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT_FIRST_WINDOW_MS)
  })
})

describe('decideAfterClose', () => {
  it('follows the retry policy of every code in the shared table', () => {
    for (const entry of Object.values(CLOSE_CODES)) {
      const decision = decideAfterClose({ code: entry.code, opened: true })
      const expected = entry.retry === 'reconnect' ? 'reconnect' : entry.retry
      expect(decision.action, `code ${entry.code}`).toBe(expected)
    }
  })

  it('fetches a fresh token on 4401 and stops on 4403', () => {
    expect(decideAfterClose({ code: CLOSE_CODES.TOKEN_EXPIRED.code, opened: true })).toEqual({
      action: 'refresh-token',
    })
    expect(decideAfterClose({ code: CLOSE_CODES.FORBIDDEN.code, opened: true })).toEqual({
      action: 'stop',
      code: CLOSE_CODES.FORBIDDEN.code,
      reason: CLOSE_CODES.FORBIDDEN.reason,
    })
  })

  it('re-checks the token when a socket closed before it ever opened (a refused upgrade looks like 1006)', () => {
    expect(decideAfterClose({ code: 1006, opened: false })).toEqual({ action: 'reconnect', checkToken: true })
    expect(decideAfterClose({ code: 1006, opened: true })).toEqual({ action: 'reconnect', checkToken: false })
  })

  it('treats unknown 44xx codes as permanent and local closes as transient', () => {
    expect(decideAfterClose({ code: 4444, opened: true }).action).toBe('stop')
    expect(decideAfterClose({ code: null, opened: true })).toEqual({ action: 'reconnect', checkToken: false })
  })
})
