/** Avatars of everyone in the document, one per person however many tabs they have open. */
import type { CollabSession } from '../collab/CollabSession'
import { initialsOf } from '../collab/presence'
import { usePresence } from '../collab/useSessionState'

export interface PresenceListProps {
  session: CollabSession
  localUserId: string
}

export function PresenceList({ session, localUserId }: PresenceListProps) {
  const entries = usePresence(session, localUserId)
  return (
    <ul aria-label="People in this document" className="tandem-presence" data-testid="presence-list">
      {entries.map((entry) => {
        const label = `${entry.name}${entry.isSelf ? ' (you)' : ''}${entry.role === 'viewer' ? ' · viewing' : ''}`
        return (
          <li
            className="tandem-presence-entry"
            data-name={entry.name}
            data-self={entry.isSelf}
            data-testid="presence-entry"
            data-user-id={entry.userId}
            key={entry.userId}
            title={label}
          >
            <span aria-hidden="true" className="tandem-avatar" style={{ backgroundColor: entry.color }}>
              {initialsOf(entry.name)}
            </span>
            <span className="tandem-visually-hidden">{label}</span>
          </li>
        )
      })}
    </ul>
  )
}
