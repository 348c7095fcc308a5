/** The document title, edited in place and synced through the shared Y.Text. */

import { MAX_TITLE_LENGTH } from '@tandem/shared'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type * as Y from 'yjs'
import { getTitleText } from '../collab/docLayout'
import { applyTitleInput, type DeltaOp, transformIndex } from './titleText'

export interface TitleFieldProps {
  doc: Y.Doc
  readOnly: boolean
  /**
   * Enter in the title: moves on to the document (the app focuses the editor's start). Without it,
   * Enter just leaves the title.
   */
  onEnter?: () => void
}

/** Reads the shared title of `doc` (re-rendering on every change). */
export function useSharedTitle(doc: Y.Doc): string {
  const [title, setTitle] = useState(() => getTitleText(doc).toString())
  useEffect(() => {
    const text = getTitleText(doc)
    const update = () => setTitle(text.toString())
    update()
    text.observe(update)
    return () => text.unobserve(update)
  }, [doc])
  return title
}

export function TitleField({ doc, readOnly, onEnter }: TitleFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null)
  /** Caret to restore once React has written a remotely changed title into the input. */
  const pendingSelection = useRef<[number, number] | null>(null)
  const title = useSharedTitle(doc)

  useLayoutEffect(() => {
    const input = inputRef.current
    const selection = pendingSelection.current
    pendingSelection.current = null
    if (input !== null && selection !== null && input.value === title) input.setSelectionRange(...selection)
  }, [title])

  // Keep the caret in place when someone else edits the title while this person is typing in it.
  useEffect(() => {
    const text = getTitleText(doc)
    const handle = (event: Y.YTextEvent) => {
      const input = inputRef.current
      if (input === null || event.transaction.local || document.activeElement !== input) return
      const delta = event.delta as DeltaOp[]
      pendingSelection.current = [
        transformIndex(input.selectionStart ?? 0, delta),
        transformIndex(input.selectionEnd ?? 0, delta),
      ]
    }
    text.observe(handle)
    return () => text.unobserve(handle)
  }, [doc])

  return (
    <input
      aria-label="Document title"
      className="tandem-title"
      data-testid="document-title"
      maxLength={MAX_TITLE_LENGTH}
      onChange={(event) => applyTitleInput(getTitleText(doc), event.target.value)}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
        event.preventDefault()
        // Blurring alone sent focus to the page body, where the next keystrokes went nowhere.
        if (onEnter) onEnter()
        else event.currentTarget.blur()
      }}
      placeholder="Untitled"
      readOnly={readOnly}
      spellCheck={false}
      type="text"
      value={title}
    />
  )
}
