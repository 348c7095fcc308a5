/** The threads as an export's appendix shows them: quote, state and comments (no DOM needed). */
import { type AppendixThread, decodeAnchorPosition } from '@tandem/shared'
import * as Y from 'yjs'
import { readThreads } from './readThreads'

/** Whether the anchor's text was deleted entirely (its positions collapsed or its block is gone). */
function isDetached(start: string, end: string, textDoc: Y.Doc): boolean {
  const a = decodeAnchorPosition(start)
  const b = decodeAnchorPosition(end)
  const from = a && Y.createAbsolutePositionFromRelativePosition(a, textDoc)
  const to = b && Y.createAbsolutePositionFromRelativePosition(b, textDoc)
  if (!from || !to || from.type._item?.deleted || to.type._item?.deleted) return true
  return from.type === to.type && from.index >= to.index
}

export function summarizeThreads(commentsDoc: Y.Doc, textDoc: Y.Doc): AppendixThread[] {
  return readThreads(commentsDoc).map(({ thread, comments }) => ({
    quote: thread.anchor.quote,
    resolved: thread.resolved,
    detached: isDetached(thread.anchor.start, thread.anchor.end, textDoc),
    comments,
  }))
}
