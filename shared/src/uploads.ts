/**
 * Uploaded images: the types the server accepts, how a document refers to one (its SHA-256), and the
 * shapes of the upload routes. A document stores the hash, never a URL: URLs are signed per reader.
 */

/** Image types accepted, recognised by their first bytes (never by name or declared type). SVG is refused: it can carry script. */
export const UPLOAD_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const
export type UploadImageType = (typeof UPLOAD_IMAGE_TYPES)[number]

/** A content hash: SHA-256 of the bytes, 64 lowercase hex digits. */
export type ContentHash = string

export function isContentHash(value: unknown): value is ContentHash {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)
}

/** Path prefix of signed image URLs: `/uploads/<documentId>/<hash>?expires=<s>&signature=<hmac>`. */
export const UPLOAD_PATH_PREFIX = '/uploads/'

/** One stored upload of a document, as the API lists it. */
export interface UploadInfo {
  hash: ContentHash
  type: UploadImageType
  bytes: number
  /** Signed, expiring URL path to fetch the bytes (no credentials needed until it expires). */
  url: string
}

/** `POST /api/documents/:id/uploads` response (201 when stored now, 200 when it already was). */
export interface UploadResponse extends UploadInfo {
  /** Seconds since the epoch at which `url` stops working. */
  expiresAt: number
}

/** `GET /api/documents/:id/uploads` response: every upload of the document with a fresh signed URL. */
export interface UploadListResponse {
  uploads: UploadInfo[]
  /** Seconds since the epoch at which every `url` here stops working; ask again before then. */
  expiresAt: number
}

/**
 * How exported Markdown and HTML refer to an upload of the same document: `uploads/<hash>`, a path
 * relative to the document (importing it into that document shows the image again; elsewhere,
 * `GET /api/documents/:id/uploads` gives each hash a signed URL). Never a signed URL: those expire.
 */
export function uploadReference(hash: ContentHash): string {
  return `uploads/${hash}`
}

/** `uploads/<hash>` or `.../uploads/<document>/<hash>?...` (a signed image URL of a Tandem server). */
const UPLOAD_REFERENCE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/?(?:[^?#]*\/)?uploads\/(?:[A-Za-z0-9_-]+\/)?([0-9a-f]{64})(?:[?#].*)?$/

/** The upload `reference` names (see uploadReference, or a Tandem image URL), or null for any other link. */
export function hashFromReference(reference: string): ContentHash | null {
  const match = UPLOAD_REFERENCE.exec(reference)
  return match ? match[1]! : null
}
