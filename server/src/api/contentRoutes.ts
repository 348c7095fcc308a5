/**
 * Routes of `/api/documents/:id/content`: read a document as Markdown, HTML, text or JSON, and
 * replace or append to it with Markdown or HTML, as a server-side edit that reaches everyone live.
 */
import type { IncomingMessage } from 'node:http'
import {
  API_ERROR_CODES,
  type AppendixThread,
  type CommentThreadView,
  commentsRoomName,
  HTTP_STATUS,
  shareKeyUserId,
  writeCommentsAppendix,
} from '@tandem/shared'
import {
  FORMAT_MEDIA_TYPES,
  isReadFormat,
  READ_FORMATS,
  type ReadFormat,
  type WriteContentRequest,
} from '@tandem/shared/content/contentFormats'
import * as Y from 'yjs'
import { listThreads } from '../comments/listThreads'
import { readCommentsState } from '../comments/readCommentsState'
import { ApiError } from '../http/ApiError'
import { sendNoContent } from '../http/sendJson'
import { StorageError } from '../persistence/StorageError'
import type { PeerIdentity } from '../rooms/Peer'
import type { ApiContext } from './ApiContext'
import { authorizeDocumentAccess, type DocumentCredential } from './authorizeRequest'
import { requireDocument } from './documentRoutes'
import { readContentFields, readContentRequestBody } from './readContentBody'
import { takeContentAllowance } from './takeContentAllowance'

/** What `?format=` defaults to. */
const DEFAULT_READ_FORMAT: ReadFormat = 'markdown'
/**
 * Rendered HTML is the document's own markup (Lexical escapes text and drops unsafe link URLs), but
 * it is served from the app's origin: opened directly, it must not run anything or reach anything.
 */
const RENDERED_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

/**
 * `GET /api/documents/:id/content?format=markdown|html|text|json[&comments=1]` -> 200, the document
 * in that format, with its comment threads as an appendix when asked. Any role.
 */
export async function handleReadContent({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  const format = readFormatParam(req)
  const withComments = readCommentsParam(req, format)
  await authorizeDocumentAccess(req, deps, documentId)
  takeContentAllowance(req, deps)
  await requireDocument(deps, documentId)
  // The room's state now, rendered on the content worker while the room goes on serving its peers;
  // the threads as they are at that same moment (the anchors are judged against that text).
  const body = await deps.rooms.use(documentId, async (room) => {
    const state = Y.encodeStateAsUpdate(room.doc)
    const threads = withComments
      ? await deps.rooms.use(commentsRoomName(documentId), (commentsRoom) =>
          appendixThreadsOf(listThreads(readCommentsState(commentsRoom.doc), room.doc)),
        )
      : []
    const content = await deps.contentWorker.render(state, format)
    return format === 'json' ? content : content + writeCommentsAppendix(threads, format)
  })
  res.writeHead(HTTP_STATUS.OK, {
    'Content-Type': FORMAT_MEDIA_TYPES[format],
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(format === 'html' ? { 'Content-Security-Policy': RENDERED_HTML_POLICY } : {}),
  })
  res.end(body)
}

/** `PUT /api/documents/:id/content` `{ format, content }` -> 204: replaces the document's content. Editors. */
export function handleReplaceContent(context: ApiContext): Promise<void> {
  return writeContent(context, 'replace')
}

/** `POST /api/documents/:id/content` `{ format, content }` -> 204: appends after the content. Editors. */
export function handleAppendContent(context: ApiContext): Promise<void> {
  return writeContent(context, 'append')
}

async function writeContent(
  { req, res, params, deps }: ApiContext,
  mode: 'replace' | 'append',
): Promise<void> {
  const [documentId] = params as [string]
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  if (credential.role !== 'editor') {
    throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'writing content needs an editor')
  }
  takeContentAllowance(req, deps)
  const request = readContentFields(await readContentRequestBody(req), true) as WriteContentRequest
  await requireDocument(deps, documentId)
  const author = editorIdentity(credential)
  // One whole-document write at a time per document: a replace computed while another runs would
  // be written against a state that no longer holds.
  await deps.documentWrites.run(documentId, () =>
    deps.rooms.use(documentId, async (room) => {
      // Written on the content worker against the room's state when it was queued, then committed
      // like a peer's update: stored, then applied and sent to everyone here and, through the commit
      // listeners, on other nodes. Edits made meanwhile merge with it as a peer's concurrent edits do
      // (a `replace` removes what the document held when the job was queued).
      const state = Y.encodeStateAsUpdate(room.doc)
      const update = await deps.contentWorker.edit(state, mode, request.format, request.content)
      await room.applyServerEdit(author, update).catch((error: unknown) => {
        // The commit queue logged the failed batch; like a room's writers (4503), the caller may retry.
        if (error instanceof StorageError && error.kind === 'unavailable') {
          throw new ApiError(
            HTTP_STATUS.SERVICE_UNAVAILABLE,
            API_ERROR_CODES.SERVICE_UNAVAILABLE,
            'storage is unavailable; nothing was changed, try again',
          )
        }
        throw error
      })
    }),
  )
  sendNoContent(res)
}

function readFormatParam(req: IncomingMessage): ReadFormat {
  const format = new URL(req.url ?? '/', 'http://localhost').searchParams.get('format') ?? DEFAULT_READ_FORMAT
  if (!isReadFormat(format)) {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      `format must be one of ${READ_FORMATS.join(', ')}`,
    )
  }
  return format
}

/**
 * `?comments=1`: the document's threads appended as the browser's download appends them. Off by
 * default: integrations read content to write it back (PUT), and an appendix would then become text.
 */
function readCommentsParam(req: IncomingMessage, format: ReadFormat): boolean {
  const value = new URL(req.url ?? '/', 'http://localhost').searchParams.get('comments')
  if (value === null || value === '0') return false
  if (value !== '1') {
    throw new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, 'comments must be 0 or 1')
  }
  if (format === 'json') {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      'comments=1 applies to markdown, html and text (read threads as JSON from /comments)',
    )
  }
  return true
}

/** Threads as the export appendix shows them: unresolved and resolved alike, oldest first. */
function appendixThreadsOf(threads: readonly CommentThreadView[]): AppendixThread[] {
  return threads.map(({ quote, resolved, detached, comments }) => ({ quote, resolved, detached, comments }))
}

/** Who the server-side edit is attributed to on this node (never shown; edits carry no names). */
function editorIdentity(credential: DocumentCredential): PeerIdentity {
  return credential.kind === 'token'
    ? { userId: credential.claims.sub, role: 'editor' }
    : { userId: shareKeyUserId(credential.keyId), role: 'editor' }
}
