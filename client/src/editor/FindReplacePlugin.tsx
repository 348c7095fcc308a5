/**
 * Find and replace inside the editor: Ctrl/Cmd+F opens the bar (not the browser's find), matches are
 * highlighted without touching the document and follow collaborators' edits, Escape closes it and
 * returns focus. Viewers find; editors also replace.
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { IS_APPLE } from '@lexical/utils'
import { $createRangeSelection, $getSelection, $isRangeSelection, $setSelection } from 'lexical'
import {
  type KeyboardEvent as ReactKeyboardEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import { $readTextSegments } from './documentText'
import { FindBar, type FindBarState } from './FindBar'
import { createMatchRange, FindHighlights } from './findHighlights'
import {
  createFindPattern,
  type DocumentMatch,
  findDocumentMatches,
  MAX_FIND_QUERY_LENGTH,
} from './findMatches'
import { replaceAllMatches, replaceMatchAt } from './replaceInDocument'
import { scrollRangeIntoView, type VisibleBand } from './scrollRangeIntoView'

export interface FindReplacePluginProps {
  /**
   * Where Ctrl/Cmd+F and F3 are heard: the editor's box (focus anywhere in it), or `window` for a page
   * that is all editor (the web app). Null until the box is mounted.
   */
  keyTarget: HTMLElement | Window | null
  /** Editors replace; viewers (and a stopped editor) only find. */
  canReplace: boolean
}

/** Selected text longer than this is not taken as the query on opening (browsers do the same). */
const MAX_PREFILL_LENGTH = 100

/** Ctrl+F, or Cmd+F on Apple platforms; by the key's meaning, so it follows the keyboard layout. */
export function isFindShortcut(event: KeyboardEvent, isApple: boolean): boolean {
  const mod = isApple ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
  return mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'f'
}

/** The part of the viewport where the document shows: under the editor's sticky chrome, above its footer. */
function visibleBand(root: HTMLElement | null): VisibleBand {
  const box = root?.closest('.tandem-editor')
  const chrome = box?.querySelector('.tandem-editor-chrome')?.getBoundingClientRect()
  const footer = box?.querySelector('.tandem-word-count')?.getBoundingClientRect()
  const surface = root?.parentElement?.getBoundingClientRect()
  const top = Math.max(chrome?.bottom ?? 0, surface?.top ?? 0, 0)
  const bottom = Math.min(
    footer?.top ?? window.innerHeight,
    surface?.bottom ?? window.innerHeight,
    window.innerHeight,
  )
  return { top, bottom }
}

const INITIAL_STATE: FindBarState = {
  query: '',
  replacement: '',
  matchCase: false,
  wholeWord: false,
  replacing: false,
}

export function FindReplacePlugin({ keyTarget, canReplace }: FindReplacePluginProps) {
  const [editor] = useLexicalComposerContext()
  const [open, setOpen] = useState(false)
  const [state, setState] = useState(INITIAL_STATE)
  const [matches, setMatches] = useState<readonly DocumentMatch[]>([])
  const [wantedIndex, setWantedIndex] = useState(0)
  const [notice, setNotice] = useState<string | null>(null)
  const findInputRef = useRef<HTMLInputElement>(null)
  const returnFocusRef = useRef<HTMLElement | null>(null)
  // Set by what the person did (typed, stepped); remote edits never scroll the page under them.
  const scrollToCurrentRef = useRef(false)
  const [focusRequests, setFocusRequests] = useState(0)
  const [highlights] = useState(() => new FindHighlights())

  const pattern = useMemo(
    () =>
      open
        ? createFindPattern(state.query, { matchCase: state.matchCase, wholeWord: state.wholeWord })
        : null,
    [open, state.query, state.matchCase, state.wholeWord],
  )
  const currentIndex = matches.length === 0 ? -1 : Math.min(wantedIndex, matches.length - 1)

  const readMatches = useCallback(
    () =>
      pattern === null
        ? []
        : editor.getEditorState().read(() => findDocumentMatches($readTextSegments(), pattern)),
    [editor, pattern],
  )

  // Matches follow every change to the text, local or remote, at most once a frame.
  useEffect(() => {
    setMatches(readMatches())
    if (pattern === null) return undefined
    let frame = 0
    const unregister = editor.registerUpdateListener(({ dirtyElements, dirtyLeaves }) => {
      if ((dirtyElements.size === 0 && dirtyLeaves.size === 0) || frame !== 0) return // a caret move
      frame = requestAnimationFrame(() => {
        frame = 0
        setMatches(readMatches())
      })
    })
    return () => {
      unregister()
      cancelAnimationFrame(frame)
    }
  }, [editor, pattern, readMatches])

  // Paint after React committed and Lexical rendered: the ranges point into the current DOM.
  useLayoutEffect(() => {
    if (!open) {
      highlights.clear()
      return
    }
    const ranges = matches.map((match) => createMatchRange(editor, match))
    highlights.paint(ranges, currentIndex)
    const currentRange = ranges[currentIndex]
    if (scrollToCurrentRef.current && currentRange != null) {
      scrollToCurrentRef.current = false
      scrollRangeIntoView(currentRange, visibleBand(editor.getRootElement()))
    }
  }, [open, matches, currentIndex, editor, highlights])
  useEffect(() => () => highlights.clear(), [highlights])

  useEffect(() => {
    // Each request (every Ctrl+F, even while open) puts the caret back in the query, selected.
    if (!open || focusRequests === 0) return
    findInputRef.current?.focus()
    findInputRef.current?.select()
  }, [open, focusRequests])

  const openFind = useCallback(() => {
    const active = document.activeElement
    if (!open && active instanceof HTMLElement) returnFocusRef.current = active
    const selected = editor.getEditorState().read(() => {
      const selection = $getSelection()
      return $isRangeSelection(selection) && !selection.isCollapsed() ? selection.getTextContent() : ''
    })
    if (selected !== '' && selected.length <= MAX_PREFILL_LENGTH && !selected.includes('\n')) {
      setState((previous) => ({ ...previous, query: selected.slice(0, MAX_FIND_QUERY_LENGTH) }))
      setWantedIndex(0)
    }
    scrollToCurrentRef.current = true
    setOpen(true)
    setFocusRequests((count) => count + 1)
  }, [editor, open])

  const step = useCallback(
    (delta: 1 | -1) => {
      if (matches.length === 0) return
      scrollToCurrentRef.current = true
      setNotice(null)
      setWantedIndex((matches.length + Math.max(currentIndex, 0) + delta) % matches.length)
    },
    [matches.length, currentIndex],
  )

  const close = useCallback(() => {
    setOpen(false)
    setNotice(null)
    const current = matches[currentIndex]
    // An editor lands on the match they were looking at, selected; a viewer goes back where they were.
    if (canReplace && editor.isEditable() && current !== undefined) {
      editor.update(() => {
        const selection = $createRangeSelection()
        selection.anchor.set(current.start.key, current.start.offset, 'text')
        selection.focus.set(current.end.key, current.end.offset, 'text')
        $setSelection(selection)
      })
      editor.focus()
      return
    }
    const back = returnFocusRef.current
    if (back?.isConnected) back.focus()
    else editor.focus()
  }, [canReplace, editor, matches, currentIndex])

  // Ctrl/Cmd+F opens (or re-selects the query), F3 steps while open: wherever the target hears them.
  useEffect(() => {
    if (keyTarget === null) return undefined
    const onKeyDown = (event: Event) => {
      if (!(event instanceof KeyboardEvent) || event.defaultPrevented) return
      if (isFindShortcut(event, IS_APPLE)) {
        event.preventDefault()
        openFind()
      } else if (event.key === 'F3' && open) {
        event.preventDefault()
        step(event.shiftKey ? -1 : 1)
      } else if (event.key === 'Escape' && open && !event.isComposing) {
        // Focus left the bar (a click on the page): Escape still closes it, as the bar's own handler would.
        event.preventDefault()
        close()
      }
    }
    keyTarget.addEventListener('keydown', onKeyDown)
    return () => keyTarget.removeEventListener('keydown', onKeyDown)
  }, [keyTarget, openFind, open, step, close])

  const onChange = (change: Partial<FindBarState>) => {
    setState((previous) => ({ ...previous, ...change }))
    setNotice(null)
    if ('query' in change || 'matchCase' in change || 'wholeWord' in change) {
      setWantedIndex(0)
      scrollToCurrentRef.current = true
    }
  }

  const replaceCurrent = () => {
    const current = matches[currentIndex]
    if (!canReplace || pattern === null || current === undefined) return
    replaceMatchAt(editor, pattern, current.start, state.replacement)
    // The next match takes the replaced one's place, unless the replacement itself matches there.
    const next = readMatches()
    const again = next[currentIndex]
    const stay =
      again !== undefined &&
      again.start.key === current.start.key &&
      again.start.offset === current.start.offset
    setMatches(next)
    setWantedIndex(next.length === 0 ? 0 : (currentIndex + (stay ? 1 : 0)) % next.length)
    scrollToCurrentRef.current = true
  }

  const replaceAll = () => {
    if (!canReplace || pattern === null || matches.length === 0) return
    const replaced = replaceAllMatches(editor, pattern, state.replacement)
    setMatches(readMatches())
    setNotice(`Replaced ${replaced.toLocaleString('en-US')} ${replaced === 1 ? 'match' : 'matches'}`)
  }

  if (!open) return null
  return (
    // Escape closes from anywhere in the bar; the bar's own inputs keep every other key.
    // biome-ignore lint/a11y/noStaticElementInteractions: a key handler for the controls inside, not a control itself.
    <div
      className="tandem-find-host"
      onKeyDown={(event: ReactKeyboardEvent) => {
        if (event.key !== 'Escape') return
        event.preventDefault()
        event.stopPropagation()
        close()
      }}
    >
      <FindBar
        canReplace={canReplace}
        currentIndex={currentIndex}
        findInputRef={findInputRef}
        matchCount={matches.length}
        notice={notice}
        onChange={onChange}
        onClose={close}
        onNext={() => step(1)}
        onPrevious={() => step(-1)}
        onReplace={replaceCurrent}
        onReplaceAll={replaceAll}
        state={state}
      />
    </div>
  )
}
