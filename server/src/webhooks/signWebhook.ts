/**
 * Webhook signatures, as Stripe does them: `Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>">`. Signing the time with the body lets receivers refuse replays of old deliveries.
 */
import { createHmac } from 'node:crypto'

export const SIGNATURE_HEADER = 'Tandem-Signature'

/** The `Tandem-Signature` header value for `body` sent at `timestampSeconds`. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds)
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return `t=${t},v1=${v1}`
}
