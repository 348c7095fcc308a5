/**
 * `GET /uploads/<documentId>/<hash>?expires=&signature=`: an uploaded image, for whoever holds a
 * signed URL that has not expired (readers get them from `GET /api/documents/:id/uploads`).
 * Forged, altered and expired URLs get 403; a valid URL for bytes not stored gets 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS, UPLOAD_PATH_PREFIX } from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import type { DocumentStore } from '../persistence/DocumentStore'
import type { UploadUrlSigner } from './UploadUrlSigner'

export interface ServeUploadDeps {
  readonly store: Pick<DocumentStore, 'getUpload'>
  readonly signer: Pick<UploadUrlSigner, 'verify'>
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
    const signed = deps.signer.verify(url)
    if (signed === null) {
      throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'invalid or expired image link')
    }
    const upload = await deps.store.getUpload(signed.documentId, signed.hash)
    if (upload === null) throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such image')
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
