/** `GET /api/documents/:id/comments`: the document's comment threads, for integrations. */
import { type CommentsResponse, commentsRoomName, HTTP_STATUS } from '@tandem/shared'
import { listThreads } from '../comments/listThreads'
import { readCommentsState } from '../comments/readCommentsState'
import { sendJson } from '../http/sendJson'
import type { ApiContext } from './ApiContext'
import { authorizeDocumentAccess } from './authorizeRequest'
import { requireDocument } from './documentRoutes'

/**
 * `GET /api/documents/:id/comments` -> CommentsResponse: every thread with its comments, its quote
 * and whether its text is gone. Any role (viewers read comments in the app too). Entries the
 * server cannot read (stored before a rule existed) are left out and counted in `skipped`.
 */
export async function handleListComments({ req, res, params, deps }: ApiContext): Promise<void> {
  const [documentId] = params as [string]
  await authorizeDocumentAccess(req, deps, documentId)
  await requireDocument(deps, documentId)
  // Both rooms are held (loaded if nobody has them open) while the threads are read.
  const response = await deps.rooms.use(commentsRoomName(documentId), (commentsRoom) => {
    const state = readCommentsState(commentsRoom.doc)
    if (state.skipped > 0) {
      deps.logger?.warn({ documentId, skipped: state.skipped }, 'comments document holds unreadable entries')
    }
    return deps.rooms.use(
      documentId,
      (textRoom): CommentsResponse => ({ threads: listThreads(state, textRoom.doc), skipped: state.skipped }),
    )
  })
  sendJson(res, HTTP_STATUS.OK, response)
}
