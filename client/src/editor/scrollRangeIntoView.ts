/**
 * Scrolls a text range to the middle of its scroller when it is not already in the visible band
 * (below sticky chrome such as the toolbar and find bar, above a sticky footer). Ranges have no
 * scrollIntoView, and scrolling the match's whole text node would centre a long paragraph, not the match.
 */
export interface VisibleBand {
  /** Viewport y under which content is covered at the top (the bottom of sticky chrome). */
  top: number
  /** Viewport y past which content is covered at the bottom (the top of a sticky footer). */
  bottom: number
}

export function scrollRangeIntoView(range: Range, band: VisibleBand): void {
  const rect = range.getBoundingClientRect()
  if (rect.top >= band.top && rect.bottom <= band.bottom) return
  const scroller = findScroller(range.startContainer.parentElement)
  const middle = (band.top + band.bottom) / 2
  const delta = rect.top + rect.height / 2 - middle
  if (scroller === null) window.scrollBy({ top: delta })
  else scroller.scrollBy({ top: delta })
}

/** The nearest ancestor that scrolls vertically; null for the page itself. */
function findScroller(start: Element | null): Element | null {
  for (let element = start; element !== null && element !== document.body; element = element.parentElement) {
    const { overflowY } = getComputedStyle(element)
    if ((overflowY === 'auto' || overflowY === 'scroll') && element.scrollHeight > element.clientHeight) {
      return element
    }
  }
  return null
}
