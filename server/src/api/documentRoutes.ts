/** Routes of `/api/documents`: create a document with its share links, read its title, list and manage its keys. */
import { randomBytes } from 'node:crypto'
import {
  API_ERROR_CODES,
  type CreateDocumentResponse,
  type DocumentInfoResponse,
  HTTP_STATUS,
  isRole,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_TITLE_LENGTH,
  ROLES,
  type Role,
  type ShareLink,
  type ShareLinkListResponse,
  shareLinkPath,
  TITLE_TEXT_NAME,
  type TokenClaims,
} from '@tandem/shared'
import * as Y from 'yjs'
import { createShareKey, recoverShareKey } from '../auth/shareKeys'
import { ApiError } from '../http/ApiError'
import { sendJson, sendNoContent } from '../http/sendJson'
import type { DocumentRecord, ShareKeyRecord } from '../persistence/DocumentStore'
import type { ApiContext } from './ApiContext'
import { authorizeAdmin, authorizeDocumentAccess, authorizeKeyManagement } from './authorizeRequest'
import { readContentFields, readContentRequestBody } from './readContentBody'
import { readJsonBody } from './readJsonBody'
import { readTextField } from './readTextField'
import { takeContentAllowance } from './takeContentAllowance'

/** Title of documents created without one. */
export const DEFAULT_DOCUMENT_TITLE = 'Untitled'
/** 96 random bits as 16 base64url characters: a valid room name nobody can guess. */
const DOCUMENT_ID_BYTES = 12

/**
 * `POST /api/documents`: `{ title?, name?, content?, format? }` -> 201 CreateDocumentResponse. Needs
 * an admin token unless public creation is on; content is Markdown or HTML, bounded as the content API's.
 */
export async function handleCreateDocument({ req, res, deps }: ApiContext): Promise<void> {
  const admin = deps.config.allowPublicCreate ? null : { claims: await authorizeAdmin(req, deps) }
  const body = await readContentRequestBody(req)
  const givenTitle = readTextField(body, 'title', { maxLength: MAX_TITLE_LENGTH })
  const content = readContentFields(body, false)
  const createdBy = readCreatorName(body) ?? tokenName(admin?.claims)
  const title = givenTitle ?? DEFAULT_DOCUMENT_TITLE
  const now = Date.now()
  const document: DocumentRecord = {
    id: randomBytes(DOCUMENT_ID_BYTES).toString('base64url'),
    title,
    createdAt: now,
    deletedAt: null,
  }
  // Seeded on the server, so title and content are there for everyone and no client bootstraps them.
  const seed = new Y.Doc()
  try {
    if (givenTitle) seed.getText(TITLE_TEXT_NAME).insert(0, givenTitle)
    // Converted before the document exists: content past the bounds creates nothing.
    if (content) {
      takeContentAllowance(req, deps)
      const state = Y.encodeStateAsUpdate(seed)
      Y.applyUpdate(seed, await deps.contentWorker.edit(state, 'replace', content.format, content.content))
    }
    await deps.store.createDocument(document)
    if (givenTitle || content) {
      await deps.store.append([{ room: document.id, update: Y.encodeStateAsUpdate(seed) }])
    }
  } finally {
    seed.destroy()
  }
  const editLink = await addShareLink(deps, document.id, 'editor', createdBy, now)
  const viewLink = await addShareLink(deps, document.id, 'viewer', createdBy, now)
  const response: CreateDocumentResponse = { id: document.id, title, editLink, viewLink }
  sendJson(res, HTTP_STATUS.CREATED, response)
  deps.onDocumentCreated?.(document.id, title)
}

/** `GET /api/documents/:id` -> DocumentInfoResponse. Needs a share key of it or a token for its room. */
export async function handleGetDocument({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  const document = await deps.store.getDocument(documentId)
  // Only reachable with a token: a share key of a missing document was already refused with 403.
  if (document === null || document.deletedAt !== null) {
    throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such document')
  }
  const response: DocumentInfoResponse = {
    id: document.id,
    title: document.title,
    createdAt: document.createdAt,
    role: credential.role,
  }
  sendJson(res, HTTP_STATUS.OK, response)
}

/**
 * `GET /api/documents/:id/keys` -> ShareLinkListResponse: the current links with their URLs. Needs
 * what creating one needs (an edit key or an admin token): whoever may mint links may see them.
 */
export async function handleListShareKeys({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeKeyManagement(req, deps, documentId)
  await requireDocument(deps, documentId)
  const records = await deps.store.listShareKeys(documentId)
  const response: ShareLinkListResponse = {
    links: records
      .filter((record) => record.revokedAt === null)
      .map((record) => {
        const key = recoverShareKey(deps.secret, record)
        return { ...linkFields(record), url: key === null ? null : shareLinkPath(documentId, key) }
      }),
  }
  sendJson(res, HTTP_STATUS.OK, response)
}

/** `POST /api/documents/:id/keys`: `{ role, name? }` -> 201 ShareLink. Needs an edit key or an admin token. */
export async function handleCreateShareKey({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  const credential = await authorizeKeyManagement(req, deps, documentId)
  const body = await readJsonBody(req, deps.maxBodyBytes)
  const role = body?.role
  if (!isRole(role)) {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      `role must be one of ${ROLES.join(', ')}`,
    )
  }
  const createdBy =
    readCreatorName(body) ?? tokenName(credential.kind === 'token' ? credential.claims : undefined)
  await requireDocument(deps, documentId)
  const link = await addShareLink(deps, documentId, role, createdBy, Date.now())
  sendJson(res, HTTP_STATUS.CREATED, link)
}

/** `DELETE /api/documents/:id/keys/:keyId` -> 204. Needs an edit key or an admin token; 404 for an unknown key. */
export async function handleRevokeShareKey({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId, keyId] = params as [string, string]
  await authorizeKeyManagement(req, deps, documentId)
  const revoked = await deps.store.revokeShareKey(documentId, keyId)
  if (!revoked) throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such key')
  deps.onShareKeyRevoked?.(documentId, keyId)
  sendNoContent(res)
}

async function addShareLink(
  deps: ApiContext['deps'],
  documentId: string,
  role: Role,
  createdBy: string | null,
  now: number,
): Promise<ShareLink> {
  const { key, record } = createShareKey(documentId, role, { secret: deps.secret, createdBy, now })
  await deps.store.addShareKey(record)
  return { ...linkFields(record), url: shareLinkPath(documentId, key) }
}

function linkFields(record: ShareKeyRecord): Omit<ShareLink, 'url'> {
  return { keyId: record.keyId, role: record.role, createdAt: record.createdAt, createdBy: record.createdBy }
}

/** An admin token passes authorization without the document existing; keys of nothing are useless. */
export async function requireDocument(deps: ApiContext['deps'], documentId: string): Promise<void> {
  const document = await deps.store.getDocument(documentId)
  if (document === null || document.deletedAt !== null) {
    throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such document')
  }
}

/** The creator's name from the body, validated like the name exchanged for a token. */
function readCreatorName(body: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return readTextField(body, 'name', { maxLength: MAX_DISPLAY_NAME_LENGTH })
}

/** A verified token's `name` claim (already checked for length and unsafe characters), else null. */
function tokenName(claims: TokenClaims | undefined): string | null {
  const name = claims?.name?.trim()
  return name ? name.slice(0, MAX_DISPLAY_NAME_LENGTH) : null
}
