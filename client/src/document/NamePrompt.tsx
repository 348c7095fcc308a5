/** Asks for a display name on first visit; the name is remembered in this browser. */
import { type FormEvent, useState } from 'react'
import { MAX_NAME_LENGTH, normalizeName } from '../identity/identity'

export interface NamePromptProps {
  initialName?: string
  onSubmit: (name: string) => void
  onCancel?: () => void
}

export function NamePrompt({ initialName = '', onSubmit, onCancel }: NamePromptProps) {
  const [name, setName] = useState(initialName)
  const normalized = normalizeName(name)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (normalized !== '') onSubmit(normalized)
  }
  return (
    <div className="modal-backdrop">
      <form
        aria-labelledby="name-prompt-title"
        aria-modal="true"
        className="modal"
        data-testid="name-prompt"
        onSubmit={submit}
        role="dialog"
      >
        <h2 id="name-prompt-title">What's your name?</h2>
        <p className="muted">Others in the document see it next to your cursor.</p>
        <input
          aria-label="Your name"
          // biome-ignore lint/a11y/noAutofocus: the dialog exists only to ask for this one field
          autoFocus
          className="text-input"
          data-testid="name-input"
          maxLength={MAX_NAME_LENGTH}
          onChange={(event) => setName(event.target.value)}
          placeholder="Your name"
          value={name}
        />
        <div className="modal-actions">
          {onCancel && (
            <button className="tandem-button" onClick={onCancel} type="button">
              Cancel
            </button>
          )}
          <button
            className="tandem-button tandem-button-primary"
            data-testid="name-submit"
            disabled={normalized === ''}
            type="submit"
          >
            Continue
          </button>
        </div>
      </form>
    </div>
  )
}
