/** A text box for a comment, a reply or an edit: Enter with Ctrl/Cmd sends, Escape cancels, @ suggests names. */
import { COMMENT_LIMITS } from '@tandem/shared'
import { useState } from 'react'

export interface CommentComposerProps {
  readonly label: string
  readonly submitLabel: string
  readonly initial?: string
  readonly people: readonly string[]
  readonly autoFocus?: boolean
  readonly testId: string
  readonly onSubmit: (body: string) => void
  readonly onCancel?: () => void
}

/** The name being typed after an `@` at the end of `text`, or null. */
function mentionQuery(text: string): string | null {
  const match = /(?:^|\s)@([^\s@]{0,40})$/.exec(text)
  return match ? match[1]! : null
}

export function CommentComposer(props: CommentComposerProps) {
  const [text, setText] = useState(props.initial ?? '')
  const query = mentionQuery(text)
  const suggestions =
    query === null
      ? []
      : props.people.filter((name) => name.toLowerCase().startsWith(query.toLowerCase())).slice(0, 5)
  const submit = () => {
    const body = text.trim()
    if (body === '') return
    props.onSubmit(body)
    setText('')
  }
  return (
    <form
      className="comment-composer"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      <textarea
        aria-label={props.label}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to write this comment
        autoFocus={props.autoFocus}
        className="comment-input"
        data-testid={props.testId}
        maxLength={COMMENT_LIMITS.maxBodyLength}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault()
            submit()
          } else if (event.key === 'Escape' && props.onCancel) {
            event.preventDefault()
            props.onCancel()
          }
        }}
        placeholder={props.label}
        rows={2}
        value={text}
      />
      {suggestions.length > 0 && (
        <div className="comment-suggestions" role="listbox" aria-label="Mention someone">
          {suggestions.map((name) => (
            <button
              className="comment-suggestion"
              key={name}
              onClick={() => setText(`${text.slice(0, text.length - (query?.length ?? 0))}${name} `)}
              role="option"
              aria-selected={false}
              type="button"
            >
              @{name}
            </button>
          ))}
        </div>
      )}
      <div className="comment-actions">
        {props.onCancel && (
          <button className="tandem-button" onClick={props.onCancel} type="button">
            Cancel
          </button>
        )}
        <button
          className="tandem-button tandem-button-primary"
          data-testid={`${props.testId}-submit`}
          disabled={text.trim() === ''}
          type="submit"
        >
          {props.submitLabel}
        </button>
      </div>
    </form>
  )
}
