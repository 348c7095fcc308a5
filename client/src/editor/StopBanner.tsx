/** The banner shown when the connection stopped for good. */
import type { StopReason } from '../collab/ConnectionController'
import { describeStop } from './statusText'

/**
 * Why the connection stopped, shown above the (then frozen) editor. `onReload` adds a Reload button
 * where reloading can help; embedded editors leave it out (it would reload the host page).
 */
export function StopBanner({ reason, onReload }: { reason: StopReason; onReload?: () => void }) {
  const { title, message, reloadHelps } = describeStop(reason)
  return (
    <div
      className="tandem-banner tandem-banner-error"
      data-error-kind={reason.kind}
      data-testid="error-message"
      role="alert"
    >
      <strong>{title}</strong> <span>{message}</span>
      {reloadHelps && onReload && (
        <button className="tandem-button" onClick={onReload} type="button">
          Reload
        </button>
      )}
    </div>
  )
}
