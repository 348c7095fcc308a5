/** The comments session of a document's session (none for null), created after mount and destroyed with it. */
import { useEffect, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import { type CommentsSession, createCommentsSession } from './CommentsSession'

export function useCommentsSession(
  session: CollabSession | null,
  serverUrl: string,
  room: string,
  localCopy: boolean,
): CommentsSession | null {
  const [comments, setComments] = useState<CommentsSession | null>(null)
  useEffect(() => {
    if (session === null) return undefined
    const created = createCommentsSession({ serverUrl, room, connection: session.connection, localCopy })
    setComments(created)
    return () => {
      created.destroy()
      setComments((current) => (current === created ? null : current))
    }
  }, [session, serverUrl, room, localCopy])
  return comments
}
