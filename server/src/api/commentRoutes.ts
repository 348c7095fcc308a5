/** `GET /api/documents/:id/comments`: the document's comment threads, for integrations. */
import { API_ERROR_CODES, type CommentsResponse, commentsRoomName, HTTP_STATUS } from '@tandem/shared'
import { listThreads } from '../comments/listThreads'
import { readCommentsState } from '../comments/readCommentsState'
import { ApiError } from '../http/ApiError'
import { sendJson } from '../http/sendJson'
import type { ApiContext } from './ApiContext'
import { authorizeDocumentAccess } from './authorizeRequest'
import { requireDocument } from './documentRoutes'

/**
 * `GET /api/documents/:id/comments` -> CommentsResponse: every thread with its comments, its quote
 * and whether its text is gone. Any role (viewers read comments in the app too).
 */
export async function handleListComments({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeDocumentAccess(req, deps, documentId)
  await requireDocument(deps, documentId)
  // Both rooms are held (loaded if nobody has them open) while the threads are read.
  const threads = await deps.rooms.use(commentsRoomName(documentId), (commentsRoom) => {
    const read = readCommentsState(commentsRoom.doc)
    if (!read.ok) {
      throw new ApiError(HTTP_STATUS.INTERNAL_ERROR, API_ERROR_CODES.INTERNAL_ERROR, 'comments unreadable')
    }
    return deps.rooms.use(documentId, (textRoom) => listThreads(read.state, textRoom.doc))
  })
  const response: CommentsResponse = { threads }
  sendJson(res, HTTP_STATUS.OK, response)
}
