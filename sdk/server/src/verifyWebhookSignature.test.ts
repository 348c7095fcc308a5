import { describe, expect, it } from 'vitest'
import { signWebhook } from '../../../server/src/webhooks/signWebhook'
import { verifyWebhookSignature } from './verifyWebhookSignature'

const SECRET = 'whsec-0123456789abcdef'
const BODY = '{"id":"e1","type":"document.deleted","documentId":"d1","occurredAt":"2026-12-06T12:00:00.000Z"}'
const NOW = 1_796_553_725

describe('verifyWebhookSignature', () => {
  it('accepts what the server signs, as a string or as bytes', () => {
    const header = signWebhook(SECRET, BODY, NOW)
    expect(verifyWebhookSignature(BODY, header, SECRET, { now: NOW })).toBe(true)
    expect(verifyWebhookSignature(new TextEncoder().encode(BODY), header, SECRET, { now: NOW + 299 })).toBe(
      true,
    )
  })

  it('refuses another body, secret or time, replays past the tolerance, and malformed headers', () => {
    const header = signWebhook(SECRET, BODY, NOW)
    expect(verifyWebhookSignature(BODY.replace('d1', 'd2'), header, SECRET, { now: NOW })).toBe(false)
    expect(verifyWebhookSignature(BODY, header, `${SECRET}x`, { now: NOW })).toBe(false)
    expect(verifyWebhookSignature(BODY, header, SECRET, { now: NOW + 301 })).toBe(false)
    expect(verifyWebhookSignature(BODY, header, SECRET, { now: NOW - 301 })).toBe(false)
    const forgedTime = header.replace(`t=${NOW}`, `t=${NOW + 1}`)
    expect(verifyWebhookSignature(BODY, forgedTime, SECRET, { now: NOW })).toBe(false)
    for (const bad of [undefined, null, '', 'v1=abc', `t=${NOW}`, `t=${NOW},v1=zz`, `${header},v0=1`]) {
      expect(verifyWebhookSignature(BODY, bad, SECRET, { now: NOW }), String(bad)).toBe(false)
    }
  })
})
