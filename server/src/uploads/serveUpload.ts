/**
 * `GET /uploads/<documentId>/<hash>?expires=&signature=`: an uploaded image, for whoever holds a
 * signed URL that has not expired (readers get them from `GET /api/documents/:id/uploads`).
 * Forged, altered and expired URLs get 403; a valid URL for bytes not stored gets 404. Refusals
 * spend a per-address allowance (as refused upgrades do): past it, 429 without checking anything.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS, UPLOAD_PATH_PREFIX } from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import type { RateLimiter } from '../http/RateLimiter'
import type { DocumentStore } from '../persistence/DocumentStore'
import type { UploadUrlSigner } from './UploadUrlSigner'

export interface ServeUploadDeps {
  readonly store: Pick<DocumentStore, 'getUpload'>
  readonly signer: Pick<UploadUrlSigner, 'verify'>
  /** Refused image requests per address (403, 404): a flood of forged links is cut off with 429. */
  readonly refusals: Pick<RateLimiter, 'check' | 'take'>
  /** The address `refusals` counts by. */
  readonly clientAddress: (req: IncomingMessage) => string
  readonly now?: () => number
}

/** Resolves false for paths outside `/uploads/`; otherwise answers (errors throw ApiError for the caller's one boundary). */
export function createUploadHandler(deps: ServeUploadDeps) {
  const now = deps.now ?? Date.now
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? '/'
    if (!url.startsWith(UPLOAD_PATH_PREFIX)) return false
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new ApiError(HTTP_STATUS.METHOD_NOT_ALLOWED, API_ERROR_CODES.METHOD_NOT_ALLOWED, 'use GET', {
        headers: { Allow: 'GET, HEAD' },
      })
    }
    const address = deps.clientAddress(req)
    const allowance = deps.refusals.check(address)
    if (!allowance.allowed) {
      throw new ApiError(
        HTTP_STATUS.TOO_MANY_REQUESTS,
        API_ERROR_CODES.RATE_LIMITED,
        'too many refused image links',
        {
          headers: { 'Retry-After': String(Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))) },
        },
      )
    }
    const signed = deps.signer.verify(url)
    if (signed === null) {
      deps.refusals.take(address)
      throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'invalid or expired image link')
    }
    const upload = await deps.store.getUpload(signed.documentId, signed.hash)
    if (upload === null) {
      deps.refusals.take(address)
      throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such image')
    }
    const maxAgeSeconds = Math.max(0, Math.floor(signed.expiresAt - now() / 1000))
    res.writeHead(HTTP_STATUS.OK, {
      // The type recognised at upload, never a declared one; nosniff (set for every response) keeps
      // the browser from guessing another.
      'Content-Type': upload.type,
      'Content-Length': upload.data.byteLength,
      // The bytes behind a hash never change; private: the URL is a credential, shared caches keep out.
      'Cache-Control': `private, max-age=${maxAgeSeconds}, immutable`,
      ETag: `"${upload.hash}"`,
      'Content-Disposition': 'inline',
    })
    res.end(req.method === 'HEAD' ? undefined : upload.data)
    return true
  }
}
