/** The small URL form the link button opens; the editor selection is captured before focus moves here. */
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { normalizeLinkUrl } from './editorActions'

export interface LinkEditorProps {
  /** The address to start from when editing an existing link. Default empty. */
  initialUrl?: string
  onSubmit: (url: string) => void
  onCancel: () => void
}

export function LinkEditor({ initialUrl = '', onSubmit, onCancel }: LinkEditorProps) {
  const [value, setValue] = useState(initialUrl)
  const [invalid, setInvalid] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    inputRef.current?.focus()
    inputRef.current?.select()
  }, [])

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
          if (event.key !== 'Escape') return
          // The bubble around an edited link closes on Escape too: this one cancels only the edit.
          event.stopPropagation()
          onCancel()
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
