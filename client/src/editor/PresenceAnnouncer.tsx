/**
 * Tells screen reader users, politely, who joined and who left. The carets' name labels are hidden
 * from them (aria-hidden), so this region is how they learn about people coming and going.
 */
import { useEffect, useRef, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import type { PresenceEntry } from '../collab/presence'
import { describePresenceChanges } from '../collab/presenceNews'
import { useConnectionState, usePresence } from '../collab/useSessionState'

/**
 * How long the list of people must hold still before it is announced: someone whose tab reconnects
 * leaves and returns within it, and is not news. While this page is not connected nothing is
 * announced; after a reconnect the list is compared with the one last announced.
 */
export const PRESENCE_SETTLE_MS = 1000
/** Announcements kept in the region; a screen reader reads each one as it is added. */
const KEPT_MESSAGES = 3

export function PresenceAnnouncer({ session, localUserId }: { session: CollabSession; localUserId: string }) {
  const entries = usePresence(session, localUserId)
  const connection = useConnectionState(session)
  const live = connection.status === 'connected' && connection.synced
  /** The list last announced; null until the first settled list, whose people are not news. */
  const announced = useRef<PresenceEntry[] | null>(null)
  const nextId = useRef(0)
  const [messages, setMessages] = useState<{ id: number; text: string }[]>([])
  /** Whether the first settled list is taken: from then on, arrivals and departures are news. */
  const [settled, setSettled] = useState(false)

  useEffect(() => {
    if (!live) return undefined
    const timer = setTimeout(() => {
      const previous = announced.current
      announced.current = entries
      if (previous === null) {
        setSettled(true)
        return
      }
      const news = describePresenceChanges(previous, entries)
      if (news.length === 0) return
      const message = { id: nextId.current++, text: `${news.join('. ')}.` }
      setMessages((current) => [...current, message].slice(-KEPT_MESSAGES))
    }, PRESENCE_SETTLE_MS)
    return () => clearTimeout(timer)
  }, [entries, live])

  return (
    <div
      aria-live="polite"
      className="tandem-visually-hidden"
      data-settled={settled}
      data-testid="presence-announcer"
      role="status"
    >
      {messages.map((message) => (
        <p key={message.id}>{message.text}</p>
      ))}
    </div>
  )
}
