/**
 * Where each thread's text is in the editor now, and its highlight: DOM ranges from the anchors'
 * relative positions (read through the V2 binding's tree), painted with the CSS Custom Highlight
 * API as find does (nothing is written into the document, so a commenter changes no text and the
 * undo history stays clean). Browsers without the API list threads without colours.
 */
import { decodeAnchorPosition, LEXICAL_ROOT_NAME } from '@tandem/shared'
import type { LexicalEditor } from 'lexical'
import * as Y from 'yjs'
import { $lexicalPositionOf, domPointOf } from './anchorPositions'
import type { ThreadView } from './readThreads'

/** Names used in editor.css. */
export const COMMENT_HIGHLIGHT = 'tandem-comment'
export const ACTIVE_COMMENT_HIGHLIGHT = 'tandem-comment-active'

export interface AnchorPlace {
  /** The anchored text's DOM range, or null when it is not rendered or gone. */
  readonly range: Range | null
  /** Every character of the anchored text was deleted: shown with its quote only. */
  readonly detached: boolean
}

/** Where every thread's anchor is now in `editor` (bound to `textDoc`). */
export function placeAnchors(
  editor: LexicalEditor,
  textDoc: Y.Doc,
  threads: readonly ThreadView[],
): Map<string, AnchorPlace> {
  const root = textDoc.get(LEXICAL_ROOT_NAME, Y.XmlElement)
  const places = new Map<string, AnchorPlace>()
  editor.getEditorState().read(() => {
    for (const { thread } of threads) {
      const a = absolutePositionOf(thread.anchor.start, textDoc)
      const b = absolutePositionOf(thread.anchor.end, textDoc)
      if (
        !a ||
        !b ||
        (a.type === b.type && a.index >= b.index) ||
        a.type._item?.deleted ||
        b.type._item?.deleted
      ) {
        places.set(thread.id, { range: null, detached: true })
        continue
      }
      const from = $lexicalPositionOf(a, root)
      const to = $lexicalPositionOf(b, root)
      const domFrom = from && domPointOf((key) => editor.getElementByKey(key), from)
      const domTo = to && domPointOf((key) => editor.getElementByKey(key), to)
      let range: Range | null = null
      if (domFrom && domTo) {
        range = document.createRange()
        try {
          range.setStart(domFrom.node, domFrom.offset)
          range.setEnd(domTo.node, domTo.offset)
        } catch {
          range = null // the DOM is between renders; the next update places it again
        }
      }
      places.set(thread.id, { range, detached: false })
    }
  })
  return places
}

/**
 * Where an anchor position is now, or null. Never throws: one bad anchor (written before the server
 * decoded anchors, or by a peer on an older server) must not stop the placing of every other thread.
 */
function absolutePositionOf(encoded: string, textDoc: Y.Doc): Y.AbsolutePosition | null {
  const relative = decodeAnchorPosition(encoded)
  if (relative === null) return null
  try {
    return Y.createAbsolutePositionFromRelativePosition(relative, textDoc)
  } catch {
    return null
  }
}

/** One editor's comment highlights: replaces what it painted before on every paint. */
export class CommentHighlights {
  private painted: Range[] = []
  private active: Range | null = null

  paint(ranges: readonly Range[], active: Range | null): void {
    this.clear()
    const registry = highlights()
    if (registry === null) return
    for (const range of ranges) registry.get(COMMENT_HIGHLIGHT).add(range)
    if (active) registry.get(ACTIVE_COMMENT_HIGHLIGHT).add(active)
    this.painted = [...ranges]
    this.active = active
  }

  clear(): void {
    const registry = highlights()
    if (registry === null) return
    for (const range of this.painted) registry.get(COMMENT_HIGHLIGHT).delete(range)
    if (this.active) registry.get(ACTIVE_COMMENT_HIGHLIGHT).delete(this.active)
    this.painted = []
    this.active = null
  }
}

function highlights(): { get(name: string): Highlight } | null {
  if (typeof CSS === 'undefined' || !('highlights' in CSS) || typeof Highlight === 'undefined') return null
  return {
    get(name) {
      let highlight = CSS.highlights.get(name)
      if (highlight === undefined) {
        highlight = new Highlight()
        // Below find's highlights (priority 0 and 1): a match inside a commented range stays visible.
        highlight.priority = name === ACTIVE_COMMENT_HIGHLIGHT ? -1 : -2
        CSS.highlights.set(name, highlight)
      }
      return highlight
    },
  }
}
