/**
 * Signed, expiring URLs for uploaded images. An `<img>` cannot send an Authorization header, so a
 * reader trades its token for URLs that carry their own proof: an HMAC-SHA256, under a key derived
 * from the server's secret, over the document id, the content hash and the expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { type ContentHash, isContentHash, isValidRoomName, UPLOAD_PATH_PREFIX } from '@tandem/shared'

/** How long a signed URL works at least. */
export const UPLOAD_URL_TTL_SECONDS = 60 * 60
/**
 * Expiries are rounded up to a multiple of this, so every URL signed for an image within one window
 * is the same string and the browser's cache (immutable, private) keeps serving it.
 */
export const UPLOAD_URL_WINDOW_SECONDS = 15 * 60

/** A verified request: which upload it may read and until when (seconds since the epoch). */
export interface SignedUpload {
  readonly documentId: string
  readonly hash: ContentHash
  readonly expiresAt: number
}

export class UploadUrlSigner {
  private readonly key: Buffer

  /** `secret` is TANDEM_SECRET; the signing key is derived from it so a signature is never a token MAC. */
  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', secret).update('tandem upload url v1').digest()
  }

  /** The expiry every URL signed now gets: at least UPLOAD_URL_TTL_SECONDS away, on a window boundary. */
  currentExpiry(): number {
    const earliest = Math.floor(this.now() / 1000) + UPLOAD_URL_TTL_SECONDS
    return Math.ceil(earliest / UPLOAD_URL_WINDOW_SECONDS) * UPLOAD_URL_WINDOW_SECONDS
  }

  /** Path and query of the signed URL: `/uploads/<documentId>/<hash>?expires=<s>&signature=<mac>`. */
  sign(documentId: string, hash: ContentHash, expiresAt: number): string {
    const signature = this.mac(documentId, hash, expiresAt)
    return `${UPLOAD_PATH_PREFIX}${encodeURIComponent(documentId)}/${hash}?expires=${expiresAt}&signature=${signature}`
  }

  /**
   * The upload a request URL may read, or null when it is malformed, forged, for another document
   * or hash, or expired. Expiries further ahead than any this server signs are refused too.
   */
  verify(url: string): SignedUpload | null {
    let parsed: URL
    try {
      parsed = new URL(url, 'http://host.invalid')
    } catch {
      return null
    }
    const match = /^\/uploads\/([^/]+)\/([^/]+)$/.exec(parsed.pathname)
    if (!match) return null
    const documentId = decodeURIComponent(match[1]!)
    const hash = match[2]!
    const expires = parsed.searchParams.get('expires') ?? ''
    const signature = parsed.searchParams.get('signature') ?? ''
    if (!isValidRoomName(documentId) || !isContentHash(hash) || !/^\d{1,12}$/.test(expires)) return null
    const expiresAt = Number(expires)
    const nowSeconds = this.now() / 1000
    if (
      expiresAt <= nowSeconds ||
      expiresAt > nowSeconds + UPLOAD_URL_TTL_SECONDS + UPLOAD_URL_WINDOW_SECONDS
    ) {
      return null
    }
    const expected = Buffer.from(this.mac(documentId, hash, expiresAt))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    return { documentId, hash, expiresAt }
  }

  private mac(documentId: string, hash: string, expiresAt: number): string {
    // Fields joined by a byte no field can hold: no two (document, hash, expiry) share an input.
    return createHmac('sha256', this.key).update(`${documentId}\n${hash}\n${expiresAt}`).digest('base64url')
  }
}
