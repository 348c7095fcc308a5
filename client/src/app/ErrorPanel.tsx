/** A full-page error a person can act on: what happened, what to do, and buttons to do it. */

export interface ErrorAction {
  label: string
  onClick: () => void
  primary?: boolean
}

export interface ErrorPanelProps {
  /** Machine-readable kind, exposed as `data-error-kind` for tests. */
  kind: string
  title: string
  message: string
  actions?: readonly ErrorAction[]
  /** Extra line, e.g. a retry countdown. */
  detail?: string
}

export function ErrorPanel({ kind, title, message, actions = [], detail }: ErrorPanelProps) {
  return (
    <section className="error-panel" data-error-kind={kind} data-testid="error-message" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      {detail !== undefined && <p className="error-detail">{detail}</p>}
      {actions.length > 0 && (
        <div className="error-actions">
          {actions.map((action) => (
            <button
              className={action.primary ? 'tandem-button tandem-button-primary' : 'tandem-button'}
              data-testid={`error-action-${action.label.toLowerCase().replace(/[^a-z]+/g, '-')}`}
              key={action.label}
              onClick={action.onClick}
              type="button"
            >
              {action.label}
            </button>
          ))}
        </div>
      )}
    </section>
  )
}
