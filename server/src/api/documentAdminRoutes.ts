/** Routes that administer documents as a whole: list them (admin) and delete one (admin or creator). */
import {
  API_ERROR_CODES,
  type DocumentListResponse,
  HTTP_STATUS,
  isValidRoomName,
  MAX_DOCUMENT_PAGE_SIZE,
} from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import { sendJson, sendNoContent } from '../http/sendJson'
import type { ApiContext } from './ApiContext'
import { authorizeAdmin, authorizeDeletion } from './authorizeRequest'

/**
 * `GET /api/documents?limit=&cursor=` -> DocumentListResponse: live documents ordered by id, at most
 * `limit` (1-100, default 100) per page. Needs an admin token.
 */
export async function handleListDocuments({ req, res, deps }: ApiContext): Promise<void> {
  await authorizeAdmin(req, deps)
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams
  const limit = readLimit(query.get('limit'))
  const cursor = query.get('cursor') ?? ''
  // The cursor is the last id of the previous page; ids are room names, so anything else is forged.
  if (cursor !== '' && !isValidRoomName(cursor)) throw badRequest('cursor is not one this server gave out')
  // One more than the page tells whether another page follows without a second query.
  const found = await deps.store.listDocuments(cursor, limit + 1)
  const page = found.slice(0, limit)
  const response: DocumentListResponse = {
    documents: page.map(({ id, title, createdAt, changedAt, sizeBytes }) => ({
      id,
      title,
      createdAt,
      changedAt,
      sizeBytes,
    })),
    nextCursor: found.length > limit ? page.at(-1)!.id : null,
  }
  sendJson(res, HTTP_STATUS.OK, response)
}

/**
 * `DELETE /api/documents/:id` -> 204: the document, its content and its links are gone, and every
 * node closes its sessions (4410). Needs an admin token or the creator's edit key; 404 when there is
 * no such document (or it was deleted already).
 */
export async function handleDeleteDocument({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeDeletion(req, deps, documentId)
  const deleted = await deps.store.deleteDocument(documentId)
  if (!deleted) throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such document')
  deps.onDocumentDeleted?.(documentId)
  sendNoContent(res)
}

function readLimit(raw: string | null): number {
  if (raw === null) return MAX_DOCUMENT_PAGE_SIZE
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : 0
  if (limit < 1 || limit > MAX_DOCUMENT_PAGE_SIZE) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_DOCUMENT_PAGE_SIZE}`)
  }
  return limit
}

function badRequest(message: string): ApiError {
  return new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, message)
}
