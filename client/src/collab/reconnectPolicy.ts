/** What the client does after its socket closes, decided from the shared close-code table, and when. */
import { describeCloseCode } from '@tandem/shared'

/** Shortest wait before a reconnect attempt. */
export const RECONNECT_MIN_DELAY_MS = 250
/** Longest wait before a reconnect attempt. */
export const RECONNECT_MAX_DELAY_MS = 10_000
/** Upper bound of the first attempt's window; doubles per failed attempt up to the maximum. */
export const RECONNECT_FIRST_WINDOW_MS = 1_000

/** Close codes 4400-4499 mean "the client's fault" (y-redis and Hocuspocus convention): retrying cannot help. */
const PERMANENT_RANGE = { from: 4400, to: 4499 } as const

/**
 * Delay before reconnect attempt number `attempt` (0 = first after a close): "full jitter", uniform in
 * [RECONNECT_MIN_DELAY_MS, min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_WINDOW_MS * 2^attempt)], so a
 * server restart does not bring every client back in the same instant.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const window = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_WINDOW_MS * 2 ** Math.max(0, attempt))
  return Math.round(RECONNECT_MIN_DELAY_MS + random() * (window - RECONNECT_MIN_DELAY_MS))
}

/** One closed socket as the connection controller saw it. */
export interface ObservedClose {
  /** The close code, or null when the client closed the socket itself (e.g. the silence watchdog). */
  code: number | null
  /** Whether the socket ever opened; a refused upgrade (401/403) only shows up as a close before open. */
  opened: boolean
}

export type CloseDecision =
  /** Reconnect after a jittered delay; `checkToken` = exchange the token first (the upgrade may have been refused). */
  | { action: 'reconnect'; checkToken: boolean }
  /** Get a fresh token, then reconnect. */
  | { action: 'refresh-token' }
  /** Give up and tell the person why. */
  | { action: 'stop'; code: number; reason: string }

/** Maps a close to what to do next, reading the retry policy from CLOSE_CODES via `describeCloseCode`. */
export function decideAfterClose(close: ObservedClose): CloseDecision {
  if (close.code === null) return { action: 'reconnect', checkToken: false }
  const entry = describeCloseCode(close.code)
  if (entry !== undefined) {
    switch (entry.retry) {
      case 'reconnect':
        return { action: 'reconnect', checkToken: false }
      case 'refresh-token':
        return { action: 'refresh-token' }
      case 'stop':
        return { action: 'stop', code: entry.code, reason: entry.reason }
    }
  }
  if (close.code >= PERMANENT_RANGE.from && close.code <= PERMANENT_RANGE.to) {
    return { action: 'stop', code: close.code, reason: `refused by the server (${close.code})` }
  }
  // 1006 and friends: the browser hides why. If the socket never opened, the server may have refused
  // the token on the upgrade, so re-check the token before the next attempt.
  return { action: 'reconnect', checkToken: !close.opened }
}
