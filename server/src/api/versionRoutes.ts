/**
 * Routes of `/api/documents/:id/versions`: list a document's versions, name one of now, read one in
 * a format, rename one, and restore one as a server-side edit everyone sees live. Browsing takes any
 * role (viewers unless HISTORY_FOR_VIEWERS=false); naming and restoring take an editor.
 */
import type { IncomingMessage } from 'node:http'
import {
  API_ERROR_CODES,
  HTTP_STATUS,
  isVersionFormat,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_VERSION_NAME_LENGTH,
  shareKeyUserId,
  VERSION_FORMATS,
  type VersionCommentsResponse,
  type VersionFormat,
  type VersionListResponse,
  type VersionSummary,
} from '@tandem/shared'
import {
  ContentLimitError,
  FORMAT_MEDIA_TYPES,
  MAX_CONTENT_DOCUMENT_BYTES,
} from '@tandem/shared/content/contentFormats'
import * as Y from 'yjs'
import { listThreads } from '../comments/listThreads'
import { readCommentsState } from '../comments/readCommentsState'
import { MAX_RESTORE_DOCUMENT_BYTES } from '../content/ContentWorker'
import { ApiError } from '../http/ApiError'
import { sendJson, sendNoContent } from '../http/sendJson'
import type { StoredVersion, VersionRecord } from '../persistence/DocumentStore'
import { StorageError } from '../persistence/StorageError'
import type { PeerIdentity } from '../rooms/Peer'
import type { ApiContext, ResolvedApiDeps } from './ApiContext'
import { authorizeDocumentAccess, type DocumentCredential } from './authorizeRequest'
import { requireDocument } from './documentRoutes'
import { readJsonBody } from './readJsonBody'
import { readTextField } from './readTextField'
import { takeContentAllowance } from './takeContentAllowance'

/** `GET /api/documents/:id/versions` -> 200 `{ versions, canEdit }`, newest first. */
export async function handleListVersions({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  const credential = await authorizeBrowsing(req, deps, documentId)
  await requireDocument(deps, documentId)
  const versions = await deps.store.listVersions(documentId)
  const body: VersionListResponse = {
    versions: versions.map(toSummary),
    canEdit: credential.role === 'editor',
  }
  sendJson(res, HTTP_STATUS.OK, body)
}

/** `POST /api/documents/:id/versions` `{ name }` -> 201, the named version of now. Editors. */
export async function handleNameCurrentVersion({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeEditing(req, deps, documentId)
  const name = readVersionName(await readJsonBody(req, deps.maxBodyBytes))
  // Taking a version reads and folds the whole document: it costs like a content render.
  takeContentAllowance(req, deps)
  await requireDocument(deps, documentId)
  const version = await unavailableAs503(history(deps).takeNamedVersion(documentId, name))
  if (version === 'over-quota') throw quotaExceeded()
  if (version === null)
    throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such document')
  sendJson(res, HTTP_STATUS.CREATED, toSummary(version))
}

/**
 * `GET /api/documents/:id/versions/:versionId?format=json|markdown|html|yjs` -> 200, the version's
 * content; `?comments=1` (without `format`) -> 200 VersionCommentsResponse, its comment threads.
 */
export async function handleReadVersion(context: ApiContext): Promise<void> {
  if (readCommentsParam(context.req)) return readVersionComments(context)
  const { req, res, params, deps } = context
  const [documentId, versionId] = params as [string, string]
  const format = readVersionFormat(req)
  await authorizeBrowsing(req, deps, documentId)
  takeContentAllowance(req, deps)
  await requireDocument(deps, documentId)
  // The size from the records before the state is read: a render past the content bound is refused
  // without loading the version (up to the whole byte quota) into memory.
  if (format !== 'yjs') {
    await requireSizeWithin(
      deps,
      documentId,
      versionId,
      MAX_CONTENT_DOCUMENT_BYTES,
      'the content API handles',
    )
  }
  const version = await requireVersion(deps, documentId, versionId)
  if (format === 'yjs') {
    res.writeHead(HTTP_STATUS.OK, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': version.state.byteLength,
      // Not cached, though a version never changes: a revoked key must not keep reading it from a
      // cache (the response would need Vary: Authorization, and browsers key caches by URL).
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(version.state)
    return
  }
  const body = await deps.contentWorker.render(version.state, format)
  res.writeHead(HTTP_STATUS.OK, {
    'Content-Type': FORMAT_MEDIA_TYPES[format],
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // As the content API: rendered HTML must not run or reach anything when opened directly.
    ...(format === 'html'
      ? { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" }
      : {}),
  })
  res.end(body)
}

/**
 * The threads stored with the version, judged against its text (an anchor whose text the version
 * lacks is detached), never today's comments: those have lost deleted comments and earlier
 * resolutions. Versions taken before comments were recorded answer `recorded: false`.
 */
async function readVersionComments({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId, versionId] = params as [string, string]
  await authorizeBrowsing(req, deps, documentId)
  takeContentAllowance(req, deps)
  await requireDocument(deps, documentId)
  const record = (await deps.store.listVersions(documentId)).find((v) => v.versionId === versionId)
  if (record === undefined) throw noSuchVersion()
  if (record.commentsBytes === null) {
    sendJson(res, HTTP_STATUS.OK, {
      recorded: false,
      threads: [],
      skipped: 0,
    } satisfies VersionCommentsResponse)
    return
  }
  // The version's text is loaded here, on the event loop, to judge the anchors: bounded like a
  // render, and refused from the record before anything is read.
  await requireSizeWithin(deps, documentId, versionId, MAX_CONTENT_DOCUMENT_BYTES, 'the content API handles')
  const version = await requireVersion(deps, documentId, versionId)
  const textDoc = new Y.Doc({ gc: false })
  const commentsDoc = new Y.Doc()
  try {
    Y.applyUpdate(textDoc, version.state)
    if (version.comments !== null) Y.applyUpdate(commentsDoc, version.comments)
    const state = readCommentsState(commentsDoc)
    const body: VersionCommentsResponse = {
      recorded: version.comments !== null,
      threads: listThreads(state, textDoc),
      skipped: state.skipped,
    }
    sendJson(res, HTTP_STATUS.OK, body)
  } finally {
    textDoc.destroy()
    commentsDoc.destroy()
  }
}

/** `?comments=1` asks for the version's threads instead of its content; a format with it is refused. */
function readCommentsParam(req: IncomingMessage): boolean {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams
  const value = params.get('comments')
  if (value === null || value === '0') return false
  if (value !== '1') {
    throw new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, 'comments must be 0 or 1')
  }
  if (params.has('format')) {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      'comments=1 answers the threads as JSON; leave out format',
    )
  }
  return true
}

/** `PATCH /api/documents/:id/versions/:versionId` `{ name }` -> 200: names or renames it. Editors. */
export async function handleRenameVersion({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId, versionId] = params as [string, string]
  await authorizeEditing(req, deps, documentId)
  const name = readVersionName(await readJsonBody(req, deps.maxBodyBytes))
  await requireDocument(deps, documentId)
  const renamed = await deps.store.nameVersion(documentId, versionId, name, history(deps).versions.retention)
  if (renamed === null) throw noSuchVersion()
  if (renamed === 'over-quota') throw quotaExceeded()
  sendJson(res, HTTP_STATUS.OK, toSummary(renamed))
}

/**
 * `POST /api/documents/:id/versions/:versionId/restore` -> 204: the live document becomes equal to
 * the version, as one new change everyone sees live (and that history records in turn). Editors.
 */
export async function handleRestoreVersion({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId, versionId] = params as [string, string]
  const credential = await authorizeEditing(req, deps, documentId)
  takeContentAllowance(req, deps)
  await requireDocument(deps, documentId)
  await requireSizeWithin(deps, documentId, versionId, MAX_RESTORE_DOCUMENT_BYTES, 'a restore handles')
  const version = await requireVersion(deps, documentId, versionId)
  // One restore (or content write) at a time per document: two at once (a double click) would each
  // be written against the same state and leave a mix of both versions.
  await deps.documentWrites.run(documentId, async () => {
    // What the document holds now (whichever node's people wrote it) is kept as a version before it
    // is replaced; storage down refuses the restore (503) rather than lose that from history.
    await unavailableAs503(history(deps).keepBeforeRestore(documentId))
    await deps.rooms.use(documentId, async (room) => {
      // Written against the room's state now; edits made while the worker runs merge with it as a
      // peer's concurrent edits do. Committed like any peer's update: stored, then applied and sent.
      const update = await deps.contentWorker.restore(Y.encodeStateAsUpdate(room.doc), version.state)
      await unavailableAs503(room.applyServerEdit(restorerIdentity(credential), update))
    })
  })
  sendNoContent(res)
}

function toSummary(version: VersionRecord): VersionSummary {
  return {
    id: version.versionId,
    kind: version.kind,
    name: version.name,
    createdAt: version.createdAt,
    bytes: version.bytes,
    editors: version.editors,
    clients: version.clients,
  }
}

function history(deps: ResolvedApiDeps): NonNullable<ResolvedApiDeps['history']> {
  if (deps.history === undefined) {
    throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'version history is not enabled')
  }
  return deps.history
}

/** Any role may browse, unless the operator kept history to editors (HISTORY_FOR_VIEWERS=false). */
async function authorizeBrowsing(
  req: IncomingMessage,
  deps: ResolvedApiDeps,
  documentId: string,
): Promise<DocumentCredential> {
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  if (credential.role !== 'editor' && !history(deps).forViewers) {
    throw new ApiError(
      HTTP_STATUS.FORBIDDEN,
      API_ERROR_CODES.FORBIDDEN,
      'version history is for editors here',
    )
  }
  return credential
}

async function authorizeEditing(
  req: IncomingMessage,
  deps: ResolvedApiDeps,
  documentId: string,
): Promise<DocumentCredential> {
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  if (credential.role !== 'editor') {
    throw new ApiError(
      HTTP_STATUS.FORBIDDEN,
      API_ERROR_CODES.FORBIDDEN,
      'naming and restoring need an editor',
    )
  }
  history(deps)
  return credential
}

/**
 * Refuses (413, like the content worker) a version larger than `maxBytes` from its record, before
 * its state is read: renders bind Lexical (MAX_CONTENT_DOCUMENT_BYTES), restores copy Yjs types
 * (MAX_RESTORE_DOCUMENT_BYTES).
 */
async function requireSizeWithin(
  deps: ResolvedApiDeps,
  documentId: string,
  versionId: string,
  maxBytes: number,
  handler: string,
): Promise<void> {
  const record = (await deps.store.listVersions(documentId)).find((v) => v.versionId === versionId)
  if (record === undefined) throw noSuchVersion()
  if (record.bytes > maxBytes) {
    throw new ContentLimitError(
      'document-bytes',
      `the version (${record.bytes} bytes) is larger than ${handler} (${maxBytes})`,
    )
  }
}

async function requireVersion(
  deps: ResolvedApiDeps,
  documentId: string,
  versionId: string,
): Promise<StoredVersion> {
  const version = await deps.store.getVersion(documentId, versionId)
  if (version === null) throw noSuchVersion()
  return version
}

function readVersionName(body: Readonly<Record<string, unknown>> | undefined): string {
  return readTextField(body, 'name', { maxLength: MAX_VERSION_NAME_LENGTH, required: true })!
}

function readVersionFormat(req: IncomingMessage): VersionFormat {
  const format = new URL(req.url ?? '/', 'http://localhost').searchParams.get('format') ?? 'json'
  if (!isVersionFormat(format)) {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      `format must be one of ${VERSION_FORMATS.join(', ')}`,
    )
  }
  return format
}

/** The restore is attributed to the editor who asked, by name where the token has one. */
function restorerIdentity(credential: DocumentCredential): PeerIdentity {
  if (credential.kind === 'share-key') return { userId: shareKeyUserId(credential.keyId), role: 'editor' }
  const { sub, name } = credential.claims
  return {
    userId: sub,
    ...(name !== undefined ? { name: name.slice(0, MAX_DISPLAY_NAME_LENGTH) } : {}),
    role: 'editor',
  }
}

async function unavailableAs503<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    // Like a room's writers (4503), the caller may retry; nothing was changed.
    if (error instanceof StorageError && error.kind === 'unavailable') {
      throw new ApiError(
        HTTP_STATUS.SERVICE_UNAVAILABLE,
        API_ERROR_CODES.SERVICE_UNAVAILABLE,
        'storage is unavailable; nothing was changed, try again',
      )
    }
    throw error
  }
}

function noSuchVersion(): ApiError {
  return new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such version')
}

function quotaExceeded(): ApiError {
  return new ApiError(
    HTTP_STATUS.PAYLOAD_TOO_LARGE,
    API_ERROR_CODES.VERSION_QUOTA_EXCEEDED,
    'the document keeps as many named versions (or version bytes) as it may; rename an existing one',
  )
}
