/**
 * Checks a webhook delivery's `Tandem-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">` keyed with WEBHOOK_SECRET, as Stripe signs its webhooks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'tandem-signature'
/** Deliveries signed longer ago than this (or this far in the future) are refused as replays. */
export const DEFAULT_TOLERANCE_SECONDS = 300

export interface VerifyOptions {
  readonly toleranceSeconds?: number
  /** Seconds since the epoch; default now. */
  readonly now?: number
}

/**
 * True when `header` signs `rawBody` (the bytes as received, before any JSON parsing) with `secret`
 * within the tolerance. Constant-time comparison; never throws.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!match) return false
  const timestamp = Number(match[1])
  const now = options.now ?? Date.now() / 1000
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.`).update(rawBody).digest()
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))
}
