/**
 * Places the threads' anchors in the editor after every update (local, remote or a new thread), at
 * most once a frame, paints their highlights, and reports clicks on highlighted text.
 */
import type { LexicalEditor } from 'lexical'
import { useEffect, useMemo, useState } from 'react'
import type * as Y from 'yjs'
import { type AnchorPlace, CommentHighlights, placeAnchors } from './commentHighlights'
import type { ThreadView } from './readThreads'

export function useAnchorPlaces(
  editor: LexicalEditor | null,
  textDoc: Y.Doc,
  threads: readonly ThreadView[],
  shown: (view: ThreadView) => boolean,
  activeId: string | null,
  onActivate: (threadId: string) => void,
): Map<string, AnchorPlace> {
  const [places, setPlaces] = useState<Map<string, AnchorPlace>>(() => new Map())
  const highlights = useMemo(() => new CommentHighlights(), [])
  useEffect(() => () => highlights.clear(), [highlights])

  useEffect(() => {
    if (editor === null) return undefined
    let frame = 0
    const place = () => {
      if (frame !== 0) return
      frame = requestAnimationFrame(() => {
        frame = 0
        setPlaces(placeAnchors(editor, textDoc, threads))
      })
    }
    place()
    const unregister = editor.registerUpdateListener(place)
    return () => {
      unregister()
      cancelAnimationFrame(frame)
    }
  }, [editor, textDoc, threads])

  useEffect(() => {
    const open = threads.filter(shown)
    const ranges = open.map((view) => places.get(view.thread.id)?.range).filter((range) => range != null)
    highlights.paint(ranges, (activeId && places.get(activeId)?.range) || null)
  }, [places, threads, shown, activeId, highlights])

  // A click on highlighted text opens its thread (the innermost, when ranges nest).
  useEffect(() => {
    const root = editor?.getRootElement()
    if (!root) return undefined
    const handleClick = () => {
      const selection = window.getSelection()
      if (!selection?.isCollapsed || selection.rangeCount === 0) return
      const { startContainer, startOffset } = selection.getRangeAt(0)
      let best: { id: string; length: number } | null = null
      for (const view of threads) {
        if (!shown(view)) continue
        const range = places.get(view.thread.id)?.range
        if (!range?.isPointInRange(startContainer, startOffset)) continue
        const length = range.toString().length
        if (best === null || length < best.length) best = { id: view.thread.id, length }
      }
      if (best) onActivate(best.id)
    }
    root.addEventListener('click', handleClick)
    return () => root.removeEventListener('click', handleClick)
  }, [editor, threads, places, shown, onActivate])

  return places
}
