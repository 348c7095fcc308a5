/** Threads with their comments, oldest first, each marked detached when its text is gone. */
import {
  type CommentAnchor,
  type CommentThreadView,
  type CommentView,
  compareThreadComments,
  decodeAnchorPosition,
  viewOfComment,
} from '@tandem/shared'
import * as Y from 'yjs'
import type { CommentsState } from './readCommentsState'

/**
 * The threads of `state` as the API returns them. `textDoc` is the document's own Y.Doc: anchors
 * are relative positions in it, and a range that resolves to nothing (or to an empty range) has
 * lost all its text.
 */
export function listThreads(state: CommentsState, textDoc: Y.Doc): CommentThreadView[] {
  const byThread = new Map<string, CommentView[]>()
  for (const comment of state.comments.values()) {
    const list = byThread.get(comment.threadId) ?? []
    list.push(viewOfComment(comment))
    byThread.set(comment.threadId, list)
  }
  return [...state.threads.values()]
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .map((thread) => ({
      id: thread.id,
      quote: thread.anchor.quote,
      detached: isDetached(thread.anchor, textDoc),
      authorId: thread.authorId,
      createdAt: thread.createdAt,
      resolved: thread.resolved,
      ...(thread.resolvedBy !== undefined ? { resolvedBy: thread.resolvedBy } : {}),
      ...(thread.resolvedAt !== undefined ? { resolvedAt: thread.resolvedAt } : {}),
      comments: (byThread.get(thread.id) ?? []).sort(compareThreadComments(thread)),
    }))
}

/** Whether the anchor's range no longer holds any text. */
export function isDetached(anchor: CommentAnchor, textDoc: Y.Doc): boolean {
  const start = resolve(anchor.start, textDoc)
  const end = resolve(anchor.end, textDoc)
  if (!start || !end) return true
  return start.type === end.type && start.index >= end.index
}

function resolve(encoded: string, doc: Y.Doc): Y.AbsolutePosition | null {
  const relative = decodeAnchorPosition(encoded)
  if (relative === null) return null
  try {
    return Y.createAbsolutePositionFromRelativePosition(relative, doc)
  } catch {
    return null
  }
}
