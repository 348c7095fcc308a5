/**
 * The comments session of a document's session (none for null), created after mount and destroyed
 * with it, and replaced by a fresh one when the server refused a change its copy held ('dropped').
 */
import { useEffect, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import { type CommentsSession, createCommentsSession } from './CommentsSession'

/**
 * Fresh sessions after a refusal, per mount: a fresh copy holds only what the server sent, so a
 * second refusal means something else is wrong (an outdated app); the panel then asks for a reload.
 */
const MAX_RESYNCS = 3

export function useCommentsSession(
  session: CollabSession | null,
  serverUrl: string,
  room: string,
  localCopy: boolean,
): CommentsSession | null {
  const [comments, setComments] = useState<CommentsSession | null>(null)
  const [resyncs, setResyncs] = useState(0)
  useEffect(() => {
    if (session === null) return undefined
    const created = createCommentsSession({ serverUrl, room, connection: session.connection, localCopy })
    setComments(created)
    const unsubscribe = created.status.subscribe(() => {
      if (created.status.get() === 'dropped' && resyncs < MAX_RESYNCS) setResyncs(resyncs + 1)
    })
    return () => {
      unsubscribe()
      created.destroy()
      setComments((current) => (current === created ? null : current))
    }
  }, [session, serverUrl, room, localCopy, resyncs])
  return comments
}
