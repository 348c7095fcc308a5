/**
 * Routes of `/api/documents/:id/uploads`: editors upload images (bytes checked by content, size,
 * per-document quota and rate); anyone who can read the document lists them with signed URLs.
 */
import { createHash } from 'node:crypto'
import {
  API_ERROR_CODES,
  HTTP_STATUS,
  type UploadInfo,
  type UploadListResponse,
  type UploadResponse,
} from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import { sendJson } from '../http/sendJson'
import type { UploadRecord } from '../persistence/DocumentStore'
import { detectImageType } from '../uploads/detectImageType'
import type { ApiContext, UploadSettings } from './ApiContext'
import { authorizeDocumentAccess } from './authorizeRequest'
import { readLimited } from './readJsonBody'

/**
 * Oversized uploads up to this much past the limit are drained so the client reads the 413; beyond
 * it the connection is closed after the answer rather than read to its end.
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024

/**
 * `POST /api/documents/:id/uploads`: the raw image bytes as the body (any Content-Type: the bytes
 * decide) -> 201 UploadResponse, or 200 when the document already had these bytes. Needs an edit
 * credential; 413 past MAX_UPLOAD_BYTES or the document's quota, 415 for anything but png, jpeg,
 * gif, webp, 429 past the document's upload rate.
 */
export async function handleCreateUpload({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  if (credential.role !== 'editor') {
    throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'only editors can upload images')
  }
  const { uploads } = deps
  const decision = uploads.rateLimiter.take(documentId)
  if (!decision.allowed) {
    throw new ApiError(
      HTTP_STATUS.TOO_MANY_REQUESTS,
      API_ERROR_CODES.RATE_LIMITED,
      'too many uploads to this document; try again shortly',
      { headers: { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) } },
    )
  }
  const declared = Number(req.headers['content-length'])
  if (declared > uploads.maxBytes) {
    throw tooLarge(uploads.maxBytes, declared > uploads.maxBytes + DRAIN_LIMIT_BYTES)
  }
  const data = await readLimited(req, uploads.maxBytes).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === HTTP_STATUS.PAYLOAD_TOO_LARGE) {
      throw tooLarge(uploads.maxBytes, true)
    }
    throw error
  })
  if (data.byteLength === 0) {
    throw new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, 'the upload is empty')
  }
  const type = detectImageType(data)
  if (type === null) {
    throw new ApiError(
      HTTP_STATUS.UNSUPPORTED_MEDIA_TYPE,
      API_ERROR_CODES.UNSUPPORTED_IMAGE_TYPE,
      'only PNG, JPEG, GIF and WebP images can be uploaded',
    )
  }
  const record: UploadRecord = {
    documentId,
    hash: createHash('sha256').update(data).digest('hex'),
    type,
    bytes: data.byteLength,
    createdAt: Date.now(),
  }
  const result = await deps.store.putUpload({ ...record, data }, uploads.quota)
  if (result === 'over-quota') {
    throw new ApiError(
      HTTP_STATUS.PAYLOAD_TOO_LARGE,
      API_ERROR_CODES.UPLOAD_QUOTA_EXCEEDED,
      `this document holds as many images as it may (${uploads.quota.maxCount} images, ${formatBytes(uploads.quota.maxBytes)} in all)`,
    )
  }
  const expiresAt = uploads.signer.currentExpiry()
  const response: UploadResponse = { ...uploadInfo(uploads, record, expiresAt), expiresAt }
  sendJson(res, result === 'stored' ? HTTP_STATUS.CREATED : HTTP_STATUS.OK, response)
}

/** `GET /api/documents/:id/uploads` -> UploadListResponse. Needs any credential that reads the document. */
export async function handleListUploads({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeDocumentAccess(req, deps, documentId)
  const expiresAt = deps.uploads.signer.currentExpiry()
  const records = await deps.store.listUploads(documentId)
  const response: UploadListResponse = {
    uploads: records.map((record) => uploadInfo(deps.uploads, record, expiresAt)),
    expiresAt,
  }
  sendJson(res, HTTP_STATUS.OK, response)
}

function uploadInfo(uploads: UploadSettings, record: UploadRecord, expiresAt: number): UploadInfo {
  return {
    hash: record.hash,
    type: record.type,
    bytes: record.bytes,
    url: uploads.signer.sign(record.documentId, record.hash, expiresAt),
  }
}

function tooLarge(maxBytes: number, closeConnection: boolean): ApiError {
  return new ApiError(
    HTTP_STATUS.PAYLOAD_TOO_LARGE,
    API_ERROR_CODES.PAYLOAD_TOO_LARGE,
    `images can be at most ${formatBytes(maxBytes)}`,
    { closeConnection },
  )
}

/** "10 MB", "512 KB": for messages people read. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}
