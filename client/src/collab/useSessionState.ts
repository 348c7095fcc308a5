/** React views of a session: connection state, save state and presence. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { CollabSession } from './CollabSession'
import type { ConnectionState } from './ConnectionController'
import { listPresence, type PresenceEntry } from './presence'
import type { SaveState } from './SavedTracker'
import { throttle } from './throttle'

export function useConnectionState(session: CollabSession): ConnectionState {
  const store = session.connection.state
  return useSyncExternalStore(store.subscribe, store.get, store.get)
}

export function useSaveState(session: CollabSession): SaveState {
  const store = session.saved.state
  return useSyncExternalStore(store.subscribe, store.get, store.get)
}

/** The presence list is recomputed at most this often. */
const PRESENCE_LIST_INTERVAL_MS = 200

/** Everyone in the document, one entry per user id; re-renders only when the list visibly changes. */
export function usePresence(session: CollabSession, localUserId: string): PresenceEntry[] {
  const { awareness, doc } = session
  const read = useMemo(
    () => () => listPresence(awareness.getStates(), doc.clientID, localUserId),
    [awareness, doc, localUserId],
  )
  const [entries, setEntries] = useState(read)
  useEffect(() => {
    const refresh = () => {
      const next = read()
      // Caret moves change awareness on every keystroke; the list itself rarely changes.
      setEntries((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next))
    }
    refresh()
    // With thousands of people, changes arrive by the thousand a second: list them a few times a second.
    const throttled = throttle(PRESENCE_LIST_INTERVAL_MS, refresh)
    const request = () => throttled.request()
    awareness.on('change', request)
    return () => {
      awareness.off('change', request)
      throttled.cancel()
    }
  }, [awareness, read])
  return entries
}
