/** The find and replace bar's controls; FindReplacePlugin owns the state and the editor. */
import { type KeyboardEvent, type ReactNode, type RefObject, useId } from 'react'
import { MAX_FIND_MATCHES, MAX_FIND_QUERY_LENGTH, MAX_REPLACEMENT_LENGTH } from './findMatches'

export interface FindBarState {
  query: string
  replacement: string
  matchCase: boolean
  wholeWord: boolean
  /** The replace row is shown (editors only). */
  replacing: boolean
}

export interface FindBarProps {
  state: FindBarState
  onChange: (change: Partial<FindBarState>) => void
  matchCount: number
  /** Index of the current match, -1 for none. */
  currentIndex: number
  /** Said in place of the count until the next change, e.g. "Replaced 12 matches". */
  notice: string | null
  /** Viewers find but cannot replace. */
  canReplace: boolean
  onNext: () => void
  onPrevious: () => void
  onReplace: () => void
  onReplaceAll: () => void
  onClose: () => void
  findInputRef: RefObject<HTMLInputElement | null>
}

/** "3 of 12", "No results", "1 of 10,000+". */
export function describeMatchPosition(matchCount: number, currentIndex: number): string {
  if (matchCount === 0) return 'No results'
  const total = `${matchCount.toLocaleString('en-US')}${matchCount >= MAX_FIND_MATCHES ? '+' : ''}`
  return `${(currentIndex + 1).toLocaleString('en-US')} of ${total}`
}

export function FindBar(props: FindBarProps) {
  const { state, onChange, matchCount, currentIndex, canReplace } = props
  const id = useId()
  // aria-disabled, not disabled: a button that disables itself under the pointer (Replace all, the
  // last match gone) would drop focus to the page, and Escape would no longer reach the bar.
  const noMatches = matchCount === 0

  // Enter and F3 step through matches, with Shift backwards, as in browsers' own find.
  const onFindKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
    event.preventDefault()
    if (event.shiftKey) props.onPrevious()
    else props.onNext()
  }
  const onReplaceKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
    event.preventDefault()
    props.onReplace()
  }

  return (
    <search
      aria-label={canReplace ? 'Find and replace' : 'Find in document'}
      className="tandem-find"
      data-testid="find-bar"
    >
      <div className="tandem-find-row">
        <div className="tandem-find-field">
          <input
            aria-describedby={`${id}-count`}
            aria-label="Find in document"
            autoComplete="off"
            className="tandem-find-input"
            data-testid="find-input"
            maxLength={MAX_FIND_QUERY_LENGTH}
            onChange={(event) => onChange({ query: event.target.value })}
            onKeyDown={onFindKeyDown}
            placeholder="Find"
            ref={props.findInputRef}
            spellCheck={false}
            type="text"
            value={state.query}
          />
          <output
            aria-live="polite"
            className="tandem-find-count"
            data-testid="find-count"
            id={`${id}-count`}
          >
            {props.notice ?? (state.query === '' ? '' : describeMatchPosition(matchCount, currentIndex))}
          </output>
        </div>
        <button
          aria-label="Previous match (Shift+Enter)"
          className="tandem-find-button"
          data-testid="find-previous"
          aria-disabled={noMatches}
          onClick={props.onPrevious}
          title="Previous match (Shift+Enter)"
          type="button"
        >
          <Chevron up />
        </button>
        <button
          aria-label="Next match (Enter)"
          className="tandem-find-button"
          data-testid="find-next"
          aria-disabled={noMatches}
          onClick={props.onNext}
          title="Next match (Enter)"
          type="button"
        >
          <Chevron up={false} />
        </button>
        <FindToggle
          label="Match case"
          pressed={state.matchCase}
          testId="find-match-case"
          onToggle={() => onChange({ matchCase: !state.matchCase })}
        >
          Aa
        </FindToggle>
        <FindToggle
          className="tandem-find-whole-word"
          label="Whole words only"
          pressed={state.wholeWord}
          testId="find-whole-word"
          onToggle={() => onChange({ wholeWord: !state.wholeWord })}
        >
          ab
        </FindToggle>
        {canReplace && (
          <button
            aria-controls={`${id}-replace`}
            aria-expanded={state.replacing}
            className="tandem-find-button tandem-find-text-button"
            data-testid="find-toggle-replace"
            onClick={() => onChange({ replacing: !state.replacing })}
            type="button"
          >
            Replace…
          </button>
        )}
        <button
          aria-label="Close (Escape)"
          className="tandem-find-button tandem-find-close"
          data-testid="find-close"
          onClick={props.onClose}
          title="Close (Escape)"
          type="button"
        >
          <svg aria-hidden="true" fill="none" height="16" viewBox="0 0 16 16" width="16">
            <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeLinecap="round" strokeWidth="1.6" />
          </svg>
        </button>
      </div>
      {canReplace && state.replacing && (
        <div className="tandem-find-row" id={`${id}-replace`}>
          <div className="tandem-find-field">
            <input
              aria-label="Replace with"
              autoComplete="off"
              className="tandem-find-input"
              data-testid="replace-input"
              maxLength={MAX_REPLACEMENT_LENGTH}
              onChange={(event) => onChange({ replacement: event.target.value })}
              onKeyDown={onReplaceKeyDown}
              placeholder="Replace with"
              spellCheck={false}
              type="text"
              value={state.replacement}
            />
          </div>
          <button
            className="tandem-find-button tandem-find-text-button"
            data-testid="replace-one"
            aria-disabled={noMatches}
            onClick={props.onReplace}
            type="button"
          >
            Replace
          </button>
          <button
            className="tandem-find-button tandem-find-text-button"
            data-testid="replace-all"
            aria-disabled={noMatches}
            onClick={props.onReplaceAll}
            type="button"
          >
            Replace all
          </button>
        </div>
      )}
    </search>
  )
}

function Chevron({ up }: { up: boolean }) {
  return (
    <svg aria-hidden="true" fill="none" height="16" viewBox="0 0 16 16" width="16">
      <path
        d={up ? 'M4 10l4-4 4 4' : 'M4 6l4 4 4-4'}
        stroke="currentColor"
        strokeLinecap="round"
        strokeLinejoin="round"
        strokeWidth="1.6"
      />
    </svg>
  )
}

/** An on/off search option (match case, whole words), pressed while it applies. */
function FindToggle(props: {
  label: string
  pressed: boolean
  testId: string
  className?: string
  onToggle: () => void
  children: ReactNode
}) {
  return (
    <button
      aria-label={props.label}
      aria-pressed={props.pressed}
      className={`tandem-find-button tandem-find-toggle${props.className ? ` ${props.className}` : ''}`}
      data-testid={props.testId}
      onClick={props.onToggle}
      title={props.label}
      type="button"
    >
      {props.children}
    </button>
  )
}
