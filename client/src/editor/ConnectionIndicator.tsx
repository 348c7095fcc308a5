/** Always-visible connection state (connected / reconnecting with countdown / offline) and save state. */
import type { CollabSession } from '../collab/CollabSession'
import { useConnectionState, useSaveState } from '../collab/useSessionState'
import { describeConnection, describeSave, describeSaveShort, explainSave } from './statusText'
import { useNow } from './useNow'

export interface ConnectionIndicatorProps {
  session: CollabSession
  /** Viewers cannot change anything, so they get no save state. */
  showSaveState: boolean
}

export function ConnectionIndicator({ session, showSaveState }: ConnectionIndicatorProps) {
  const connection = useConnectionState(session)
  const save = useSaveState(session)
  const counting = connection.status === 'reconnecting' || connection.status === 'offline'
  const now = useNow(250, counting)
  const description = describeConnection(connection, now)
  return (
    <div className="tandem-status">
      <span
        className={`tandem-connection tandem-tone-${description.tone}`}
        data-status={connection.status}
        data-synced={connection.status === 'connected' && connection.synced}
        data-testid="connection-status"
        role="status"
        title={description.label}
      >
        <span aria-hidden="true" className="tandem-dot" />
        {/* Both forms render; the app's small-screen styles show the short one (app.css). */}
        <span className="tandem-connection-label tandem-long">{description.label}</span>
        <span
          aria-hidden="true"
          className="tandem-connection-label tandem-short"
          data-testid="connection-short"
        >
          {description.short}
        </span>
        {counting && (
          <button
            className="tandem-link-button"
            data-testid="retry-now"
            onClick={() => session.connection.retryNow()}
            type="button"
          >
            Retry now
          </button>
        )}
      </span>
      {showSaveState && (
        <span
          className={save.unsavedChanges === 0 ? 'tandem-saved' : 'tandem-saved tandem-unsaved'}
          data-local-only={save.storedLocally && save.unsavedChanges > 0}
          data-testid="saved-status"
          data-unsaved={save.unsavedChanges}
          title={explainSave(save)}
        >
          <span className="tandem-long">{describeSave(save)}</span>
          <span aria-hidden="true" className="tandem-short">
            {describeSaveShort(save)}
          </span>
        </span>
      )}
    </div>
  )
}
