/**
 * Avatars of everyone in the document, one per person however many tabs they have open. Beyond a
 * handful the rest collapse into "+N", a button whose popover lists everyone with what they can do.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import { initialsOf, type PresenceEntry } from '../collab/presence'
import { usePresence } from '../collab/useSessionState'

/** Avatars shown before the rest collapse into "+N". */
export const MAX_AVATARS = 5

export interface PresenceListProps {
  session: CollabSession
  localUserId: string
}

function labelOf(entry: PresenceEntry): string {
  return `${entry.name}${entry.isSelf ? ' (you)' : ''}${entry.role === 'viewer' ? ' · viewing' : entry.role === 'commenter' ? ' · commenting' : ''}`
}

function Avatar({ entry }: { entry: PresenceEntry }) {
  return (
    <span aria-hidden="true" className="tandem-avatar" style={{ backgroundColor: entry.color }}>
      {initialsOf(entry.name)}
    </span>
  )
}

export function PresenceList({ session, localUserId }: PresenceListProps) {
  const entries = usePresence(session, localUserId)
  const collapsed = entries.length > MAX_AVATARS
  // With "+N" taking a slot, one avatar fewer shows.
  const shown = collapsed ? entries.slice(0, MAX_AVATARS - 1) : entries
  return (
    <div className="tandem-presence-bar">
      <ul aria-label="People in this document" className="tandem-presence" data-testid="presence-list">
        {shown.map((entry) => (
          <li
            className="tandem-presence-entry"
            data-name={entry.name}
            data-self={entry.isSelf}
            data-testid="presence-entry"
            data-user-id={entry.userId}
            key={entry.userId}
            title={labelOf(entry)}
          >
            <Avatar entry={entry} />
            <span className="tandem-visually-hidden">{labelOf(entry)}</span>
          </li>
        ))}
      </ul>
      {collapsed && <EveryoneButton entries={entries} hidden={entries.length - shown.length} />}
    </div>
  )
}

/** "+N": opens a list of everyone (name, editing or viewing); Escape or a click elsewhere closes it. */
function EveryoneButton({ entries, hidden }: { entries: readonly PresenceEntry[]; hidden: number }) {
  const [open, setOpen] = useState(false)
  const popoverId = useId()
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!open) return
    const closeOnOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      button.current?.focus()
    }
    document.addEventListener('pointerdown', closeOnOutside)
    document.addEventListener('keydown', closeOnEscape)
    return () => {
      document.removeEventListener('pointerdown', closeOnOutside)
      document.removeEventListener('keydown', closeOnEscape)
    }
  }, [open])
  return (
    <div className="tandem-everyone" ref={root}>
      <button
        aria-controls={popoverId}
        aria-expanded={open}
        aria-label={`${hidden} more: show everyone (${entries.length} people)`}
        className="tandem-everyone-button"
        data-testid="presence-more"
        onClick={() => setOpen((value) => !value)}
        ref={button}
        type="button"
      >
        +{hidden}
      </button>
      {open && (
        <div className="tandem-everyone-popover" data-testid="presence-popover" id={popoverId}>
          <p className="tandem-everyone-title">{entries.length} people in this document</p>
          <ul aria-label="Everyone in this document" className="tandem-everyone-list">
            {entries.map((entry) => (
              <li className="tandem-everyone-entry" data-testid="presence-popover-entry" key={entry.userId}>
                <Avatar entry={entry} />
                <span className="tandem-everyone-name">
                  {entry.name}
                  {entry.isSelf ? ' (you)' : ''}
                </span>
                <span className="tandem-everyone-role">
                  {entry.role === 'viewer'
                    ? 'viewing'
                    : entry.role === 'commenter'
                      ? 'commenting'
                      : 'editing'}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}
