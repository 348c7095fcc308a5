/** The document title, edited in place and synced through the shared Y.Text. */

import { MAX_TITLE_LENGTH } from '@tandem/shared'
import { useEffect, useRef, useState } from 'react'
import type * as Y from 'yjs'
import {
  applyTitleInput,
  getTitleText,
  readTitleCaret,
  resolveTitleCaret,
  type TitleCaret,
} from './titleText'

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
  const title = useSharedTitle(doc)

  // Keep the caret after this person's own text when someone else edits the title while they type in
  // it. The caret is pinned just before each remote change is applied and put back right after it,
  // writing the new value into the input at once: waiting for React to re-render left a gap in which
  // the browser put the caret at the end (after the other person's character), and letters of two
  // people typing at one spot interleaved.
  useEffect(() => {
    const text = getTitleText(doc)
    let pinned: TitleCaret | null = null
    const pin = (transaction: Y.Transaction) => {
      const input = inputRef.current
      pinned =
        transaction.local || input === null || document.activeElement !== input
          ? null
          : readTitleCaret(text, input.selectionStart ?? 0, input.selectionEnd ?? 0)
    }
    const restore = (event: Y.YTextEvent) => {
      const input = inputRef.current
      if (event.transaction.local || pinned === null || input === null) return
      const caret = resolveTitleCaret(text, pinned)
      pinned = null
      input.value = text.toString()
      if (caret !== null) input.setSelectionRange(caret[0], caret[1], input.selectionDirection ?? undefined)
    }
    doc.on('beforeTransaction', pin)
    text.observe(restore)
    return () => {
      doc.off('beforeTransaction', pin)
      text.unobserve(restore)
    }
  }, [doc])

  return (
    <input
      aria-label="Document title"
      className="tandem-title"
      data-testid="document-title"
      maxLength={MAX_TITLE_LENGTH}
      onChange={(event) =>
        applyTitleInput(getTitleText(doc), event.target.value, null, event.target.selectionEnd ?? undefined)
      }
      onKeyDown={(event) => {
        if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
        event.preventDefault()
        // Blurring alone sent focus to the page body, where the next keystrokes went nowhere.
        if (onEnter) onEnter()
        else event.currentTarget.blur()
      }}
      placeholder="Untitled"
      readOnly={readOnly}
      ref={inputRef}
      spellCheck={false}
      type="text"
      value={title}
    />
  )
}
