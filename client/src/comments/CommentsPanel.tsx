/**
 * The comments side panel (a bottom sheet on small screens): beside the paper each thread is pinned
 * level with its text (usePinnedCards), the active one exactly at it; in the sheet they are a list
 * in the order of their text. The active thread is highlighted in the document; a composer opens a
 * new thread on the selection, beside it.
 */

import {
  type CommentAnchor,
  encodeAnchorPosition,
  LEXICAL_ROOT_NAME,
  openThread,
  quoteOf,
} from '@tandem/shared'
import {
  $createRangeSelectionFromDom,
  $getSelection,
  $isRangeSelection,
  COMMAND_PRIORITY_EDITOR,
  type LexicalEditor,
} from 'lexical'
import {
  type CSSProperties,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import * as Y from 'yjs'
import { $relativePositionOf } from './anchorPositions'
import { CommentComposer } from './CommentComposer'
import type { CommentsSession } from './CommentsSession'
import { ADD_COMMENT_COMMAND, isAddCommentShortcut } from './commentCommands'
import type { ThreadView } from './readThreads'
import { ThreadCard } from './ThreadCard'
import { useAnchorPlaces } from './useAnchorPlaces'
import { useCommentThreads } from './useCommentThreads'
import { CARD_ID_ATTRIBUTE, type CardAnchor, usePanelBesidePaper, usePinnedCards } from './usePinnedCards'

/** The new thread's composer, pinned like a card. */
const DRAFT_ID = 'draft'

/** Where the selection's first line is, from the top of `body` (px), or undefined. */
function selectionTopIn(body: HTMLElement | null): number | undefined {
  const selection = window.getSelection()
  if (body === null || selection === null || selection.rangeCount === 0) return undefined
  return selection.getRangeAt(0).getBoundingClientRect().top - body.getBoundingClientRect().top
}

export interface CommentsPanelProps {
  readonly editor: LexicalEditor | null
  readonly comments: CommentsSession
  /** The document's own Y.Doc (anchors are positions in it). */
  readonly textDoc: Y.Doc
  /** Editors and commenters; viewers only read. */
  readonly canComment: boolean
}

/** The editor's selection as an anchor, or null when nothing (or nothing mappable) is selected. */
function readSelectionAnchor(editor: LexicalEditor, textDoc: Y.Doc): CommentAnchor | null {
  const root = textDoc.get(LEXICAL_ROOT_NAME, Y.XmlElement)
  return editor.read(() => {
    let selection = $getSelection()
    // A read-only editor (commenters) may not track a selection: read the page's.
    if (!$isRangeSelection(selection) || selection.isCollapsed()) {
      selection = $createRangeSelectionFromDom(window.getSelection(), editor)
    }
    if (!$isRangeSelection(selection) || selection.isCollapsed()) return null
    const [first, last] = selection.isBackward()
      ? [selection.focus, selection.anchor]
      : [selection.anchor, selection.focus]
    const start = $relativePositionOf(first, root)
    // The end sticks to the character before it, so text typed right after the range stays out.
    const end = $relativePositionOf(last, root, -1)
    const quote = quoteOf(selection.getTextContent())
    if (start === null || end === null || quote === '') return null
    return { start: encodeAnchorPosition(start), end: encodeAnchorPosition(end), quote }
  })
}

export function CommentsPanel({ editor, comments, textDoc, canComment }: CommentsPanelProps) {
  const { threads, people } = useCommentThreads(comments.doc)
  const status = useSyncExternalStore(comments.status.subscribe, comments.status.get)
  const [showResolved, setShowResolved] = useState(false)
  const [activeId, setActiveId] = useState<string | null>(null)
  const [draft, setDraft] = useState<{ anchor: CommentAnchor; top: number | undefined } | null>(null)
  const [open, setOpen] = useState(false)
  const [hint, setHint] = useState<string | null>(null)
  const shown = useCallback((view: ThreadView) => showResolved || !view.thread.resolved, [showResolved])
  const activate = useCallback((id: string) => {
    setActiveId(id)
    setOpen(true)
  }, [])
  const places = useAnchorPlaces(editor, textDoc, threads, shown, activeId, activate)
  const author = comments.author()
  const body = useRef<HTMLDivElement>(null)
  const besidePaper = usePanelBesidePaper()

  const startDraft = useCallback(() => {
    if (editor === null || !canComment) return
    const anchor = readSelectionAnchor(editor, textDoc)
    if (anchor === null) {
      setHint('Select some text to comment on it.')
      return
    }
    setHint(null)
    setDraft({ anchor, top: selectionTopIn(body.current) })
    setOpen(true)
  }, [editor, textDoc, canComment])

  useEffect(() => {
    if (editor === null) return undefined
    return editor.registerCommand(
      ADD_COMMENT_COMMAND,
      () => {
        startDraft()
        return true
      },
      COMMAND_PRIORITY_EDITOR,
    )
  }, [editor, startDraft])
  useEffect(() => {
    const handleKey = (event: KeyboardEvent) => {
      if (!isAddCommentShortcut(event)) return
      event.preventDefault()
      startDraft()
    }
    window.addEventListener('keydown', handleKey)
    return () => window.removeEventListener('keydown', handleKey)
  }, [startDraft])

  // In the order of their text; threads whose text is gone last.
  const top = (view: ThreadView) => {
    const place = places.get(view.thread.id)
    return place?.range && !place.detached
      ? place.range.getBoundingClientRect().top
      : Number.POSITIVE_INFINITY
  }
  const visible = threads.filter(shown).sort((a, b) => top(a) - top(b))
  const openCount = threads.filter((view) => !view.thread.resolved).length
  const resolvedCount = threads.length - openCount
  const draftShown = draft !== null && author !== null
  const cardAnchors = useMemo<CardAnchor[]>(() => {
    const cards: CardAnchor[] = visible.map((view) => ({
      id: view.thread.id,
      place: places.get(view.thread.id),
    }))
    if (draftShown) cards.push({ id: DRAFT_ID, place: undefined, fixedTop: draft?.top ?? 0 })
    return cards
  }, [visible, places, draftShown, draft])
  const pins = usePinnedCards(
    body,
    editor?.getRootElement() ?? null,
    cardAnchors,
    draftShown ? DRAFT_ID : activeId,
    besidePaper,
  )
  /** A card's place in the pinned layout (hidden until measured), or nothing in a list. */
  const pinStyle = (id: string): CSSProperties | undefined => {
    if (!besidePaper) return undefined
    const pinnedTop = pins?.tops.get(id)
    return pinnedTop === undefined ? { visibility: 'hidden' } : { transform: `translateY(${pinnedTop}px)` }
  }

  return (
    <aside aria-label="Comments" className="comments-panel" data-open={open} data-testid="comments-panel">
      <header className="comments-header">
        <button
          aria-expanded={open}
          className="comments-title"
          data-testid="comments-toggle"
          onClick={() => setOpen(!open)}
          type="button"
        >
          Comments <span className="comments-count">{openCount}</span>
        </button>
        {canComment && (
          <button
            className="tandem-button tandem-button-primary comments-add"
            data-testid="comments-add"
            // Keep the editor's selection: a focused button would take it.
            onMouseDown={(event) => event.preventDefault()}
            onClick={startDraft}
            title="Comment on the selection (Ctrl+Alt+M)"
            type="button"
          >
            Comment
          </button>
        )}
      </header>
      <div className="comments-notes">
        {(status === 'refused' || status === 'dropped') && (
          <p className="comments-note" role="alert">
            The server refused a comment change; reload to see the comments as they are.
          </p>
        )}
        {hint && (
          <p className="comments-note" data-testid="comments-hint" role="status">
            {hint}
          </p>
        )}
        {visible.length === 0 && !draftShown && (
          <p className="comments-empty">
            {canComment ? 'Select text and press Comment to start a discussion.' : 'No comments yet.'}
          </p>
        )}
        {resolvedCount > 0 && (
          <label className="comments-show-resolved">
            <input
              checked={showResolved}
              data-testid="comments-show-resolved"
              onChange={(event) => setShowResolved(event.target.checked)}
              type="checkbox"
            />
            Show resolved ({resolvedCount})
          </label>
        )}
      </div>
      <div
        className="comments-body"
        data-pinned={besidePaper}
        ref={body}
        style={besidePaper ? { height: pins?.height ?? 0 } : undefined}
      >
        {draftShown && draft && author && (
          <div className="comment-pin" {...{ [CARD_ID_ATTRIBUTE]: DRAFT_ID }} style={pinStyle(DRAFT_ID)}>
            <div className="comment-thread comment-draft" data-testid="comment-draft">
              <blockquote className="comment-quote">{draft.anchor.quote}</blockquote>
              <CommentComposer
                autoFocus
                label="Add a comment"
                onCancel={() => setDraft(null)}
                onSubmit={(text) => {
                  const id = openThread(comments.doc, author, draft.anchor, text)
                  setDraft(null)
                  setActiveId(id)
                }}
                people={people}
                submitLabel="Comment"
                testId="comment-new"
              />
            </div>
          </div>
        )}
        {visible.map((view) => (
          <div
            className="comment-pin"
            key={view.thread.id}
            {...{ [CARD_ID_ATTRIBUTE]: view.thread.id }}
            style={pinStyle(view.thread.id)}
          >
            <ThreadCard
              active={view.thread.id === activeId}
              author={author}
              canComment={canComment}
              detached={places.get(view.thread.id)?.detached ?? false}
              doc={comments.doc}
              onActivate={() => setActiveId(view.thread.id)}
              people={people}
              view={view}
            />
          </div>
        ))}
      </div>
    </aside>
  )
}
