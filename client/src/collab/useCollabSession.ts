/** Creates a CollabSession for a room and destroys it on unmount (StrictMode-safe: no socket opens here). */
import { useEffect, useRef, useState } from 'react'
import { type CollabSession, type CollabSessionOptions, createCollabSession } from './CollabSession'
import type { TokenSource } from './ConnectionController'

export interface UseCollabSessionOptions {
  serverUrl: string
  room: string
  token: string
  getToken?: TokenSource
  /** See CollabSessionOptions.localCopy; a change opens a new session. Default false. */
  localCopy?: boolean
}

/**
 * The session for `serverUrl` + `room`, or null during the first render. A new token only replaces
 * the one used for the next connection attempt; it never tears the document down.
 */
export function useCollabSession(options: UseCollabSessionOptions): CollabSession | null {
  const [session, setSession] = useState<CollabSession | null>(null)
  const latest = useRef(options)
  latest.current = options
  const { serverUrl, room } = options
  const localCopy = options.localCopy === true

  useEffect(() => {
    const initial = latest.current
    const sessionOptions: CollabSessionOptions = { serverUrl, room, token: initial.token, localCopy }
    if (initial.getToken !== undefined) {
      // Read through the ref so a re-rendered host callback is used without a new session.
      sessionOptions.getToken = (reason) => latest.current.getToken?.(reason) ?? Promise.resolve(null)
    }
    const created = createCollabSession(sessionOptions)
    setSession(created)
    return () => {
      created.destroy()
      setSession((current) => (current === created ? null : current))
    }
  }, [serverUrl, room, localCopy])

  useEffect(() => {
    session?.connection.setToken(options.token)
  }, [session, options.token])

  return session
}
