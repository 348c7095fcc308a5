import { describe, expect, it } from 'vitest'
import { UPLOAD_URL_TTL_SECONDS, UPLOAD_URL_WINDOW_SECONDS, UploadUrlSigner } from './UploadUrlSigner'

const HASH = 'ab'.repeat(32)
const OTHER_HASH = 'cd'.repeat(32)

describe('UploadUrlSigner', () => {
  it('verifies its own URLs and refuses another secret, document, hash, expiry or signature', () => {
    let nowMs = 1_800_000_000_000
    const signer = new UploadUrlSigner('secret-one', () => nowMs)
    const expiresAt = signer.currentExpiry()
    const url = signer.sign('doc1', HASH, expiresAt)
    expect(signer.verify(url)).toEqual({ documentId: 'doc1', hash: HASH, expiresAt })
    expect(new UploadUrlSigner('secret-two', () => nowMs).verify(url)).toBeNull()
    expect(signer.verify(url.replace('/doc1/', '/doc2/'))).toBeNull()
    expect(signer.verify(url.replace(HASH, OTHER_HASH))).toBeNull()
    expect(signer.verify(url.replace(`expires=${expiresAt}`, `expires=${expiresAt + 1}`))).toBeNull()
    expect(signer.verify(url.replace(/signature=.*/, 'signature=forged'))).toBeNull()
    expect(signer.verify(url.replace(/&signature=.*/, ''))).toBeNull()
    expect(signer.verify('/uploads/doc1/not-a-hash?expires=1&signature=x')).toBeNull()
    nowMs = expiresAt * 1000
    expect(signer.verify(url)).toBeNull()
  })

  it('gives every URL signed within one window the same expiry, at least the TTL away', () => {
    // 100 s into a window, so one more second stays in it.
    let nowMs = 1_800_000_100_000
    const signer = new UploadUrlSigner('secret', () => nowMs)
    const first = signer.currentExpiry()
    expect(first % UPLOAD_URL_WINDOW_SECONDS).toBe(0)
    expect(first - nowMs / 1000).toBeGreaterThanOrEqual(UPLOAD_URL_TTL_SECONDS)
    nowMs += 1000
    expect(signer.currentExpiry()).toBe(first)
  })

  it('refuses an expiry further ahead than it ever signs (a stolen key cannot mint lasting links without the secret anyway)', () => {
    const nowMs = 1_800_000_000_000
    const signer = new UploadUrlSigner('secret', () => nowMs)
    const far = Math.floor(nowMs / 1000) + UPLOAD_URL_TTL_SECONDS + UPLOAD_URL_WINDOW_SECONDS + 60
    expect(signer.verify(signer.sign('doc1', HASH, far))).toBeNull()
  })
})
