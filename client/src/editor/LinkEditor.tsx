/** The small URL form the link button opens; the editor selection is captured before focus moves here. */
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { normalizeLinkUrl } from './editorActions'

export interface LinkEditorProps {
  onSubmit: (url: string) => void
  onCancel: () => void
}

export function LinkEditor({ onSubmit, onCancel }: LinkEditorProps) {
  const [value, setValue] = useState('')
  const [invalid, setInvalid] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  useEffect(() => inputRef.current?.focus(), [])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const url = normalizeLinkUrl(value)
    if (url === null) {
      setInvalid(true)
      return
    }
    onSubmit(url)
  }

  return (
    <form className="tandem-link-editor" data-testid="link-editor" onSubmit={submit}>
      <input
        aria-invalid={invalid}
        aria-label="Link URL"
        data-testid="link-url-input"
        onChange={(event) => {
          setValue(event.target.value)
          setInvalid(false)
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel()
        }}
        placeholder="https://example.com"
        ref={inputRef}
        type="text"
        value={value}
      />
      <button className="tandem-button tandem-button-primary" data-testid="link-apply" type="submit">
        Apply
      </button>
      <button className="tandem-button" data-testid="link-cancel" onClick={onCancel} type="button">
        Cancel
      </button>
      {invalid && (
        <span className="tandem-link-error" data-testid="link-error" role="alert">
          Enter a web address (http, https or mailto).
        </span>
      )}
    </form>
  )
}
