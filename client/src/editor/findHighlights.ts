/**
 * Paints find matches with the CSS Custom Highlight API: ranges over the editor's DOM, styled by
 * `::highlight(...)` rules in editor.css. Nothing is written into the document, so collaborators see
 * no change and the undo history stays clean. Browsers without the API still get the count and
 * next/previous, only without colours.
 */
import type { LexicalEditor } from 'lexical'
import type { DocumentMatch, TextPoint } from './findMatches'

/** Names used in editor.css: every match, and the current one on top. */
export const MATCH_HIGHLIGHT = 'tandem-find-match'
export const CURRENT_HIGHLIGHT = 'tandem-find-current'

/** A DOM range over `match` in the editor as rendered now, or null if a node is not rendered. */
export function createMatchRange(editor: LexicalEditor, match: DocumentMatch): Range | null {
  const start = locateDomPoint(editor, match.start)
  const end = locateDomPoint(editor, match.end)
  if (start === null || end === null) return null
  const range = document.createRange()
  try {
    range.setStart(start.node, start.offset)
    range.setEnd(end.node, end.offset)
  } catch {
    return null // the DOM is between renders; the next update draws it again
  }
  return range
}

function locateDomPoint(editor: LexicalEditor, point: TextPoint): { node: Text; offset: number } | null {
  const element = editor.getElementByKey(point.key)
  if (element === null) return null
  // A formatted text node renders as nested elements (<strong><em>…</em></strong>) around one Text.
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
  const text = walker.nextNode() as Text | null
  if (text === null) return null
  return { node: text, offset: Math.min(point.offset, text.length) }
}

/**
 * One editor's share of the page's highlights. Several editors on a page share the two named
 * highlights; each adds and removes only its own ranges.
 */
export class FindHighlights {
  private painted: { all: Range[]; current: Range | null } = { all: [], current: null }

  /**
   * Paints `ranges` (null: a match not rendered), the one at `currentIndex` as current; replaces what
   * this editor painted before.
   */
  paint(ranges: readonly (Range | null)[], currentIndex: number): void {
    this.clear()
    const registry = highlightRegistry()
    if (registry === null) return
    const all = registry.get(MATCH_HIGHLIGHT)
    const painted = ranges.filter((range) => range !== null)
    for (const range of painted) all.add(range)
    const currentRange = ranges[currentIndex] ?? null
    if (currentRange !== null) registry.get(CURRENT_HIGHLIGHT).add(currentRange)
    this.painted = { all: painted, current: currentRange }
  }

  clear(): void {
    const registry = highlightRegistry()
    if (registry === null) return
    const all = registry.get(MATCH_HIGHLIGHT)
    for (const range of this.painted.all) all.delete(range)
    if (this.painted.current !== null) registry.get(CURRENT_HIGHLIGHT).delete(this.painted.current)
    this.painted = { all: [], current: null }
  }
}

/** The page's two highlights, created on first use; null where the API is missing. */
function highlightRegistry(): { get(name: string): Highlight } | null {
  if (typeof CSS === 'undefined' || !('highlights' in CSS) || typeof Highlight === 'undefined') return null
  return {
    get(name) {
      let highlight = CSS.highlights.get(name)
      if (highlight === undefined) {
        highlight = new Highlight()
        // The current match is painted over the others.
        highlight.priority = name === CURRENT_HIGHLIGHT ? 1 : 0
        CSS.highlights.set(name, highlight)
      }
      return highlight
    },
  }
}
