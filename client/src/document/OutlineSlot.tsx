/**
 * Where the outline sits on the document page: beside the paper from OUTLINE_BESIDE_PAPER_QUERY,
 * and below that width a drawer over the page's left edge, opened from the actions menu ("Show
 * outline"), closed by its button, Escape, or jumping to a heading.
 */
import { type ReactNode, useEffect, useRef } from 'react'
import { CloseIcon } from '../editor/icons'

/** Where app.css shows the outline in the left margin (keep the two in step). */
export const OUTLINE_BESIDE_PAPER_QUERY = '(min-width: 1380px)'

export interface OutlineSlotProps {
  outline: ReactNode
  /** The drawer is open (only below OUTLINE_BESIDE_PAPER_QUERY: beside the paper it always shows). */
  drawerOpen: boolean
  /** Closes the drawer; `returnFocus` when the person closed it from the keyboard or its button. */
  onCloseDrawer: (returnFocus: boolean) => void
}

export function OutlineSlot({ outline, drawerOpen, onCloseDrawer }: OutlineSlotProps) {
  const closeButton = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!drawerOpen) return undefined
    // The drawer takes focus, as a dialog would; the first heading is a Tab away.
    closeButton.current?.focus()
    // The open drawer is the top layer: its Escape is heard first (capture) and consumed, so the
    // find bar or a menu underneath does not also close and take the focus elsewhere.
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      event.preventDefault()
      onCloseDrawer(true)
    }
    document.addEventListener('keydown', closeOnEscape, { capture: true })
    return () => document.removeEventListener('keydown', closeOnEscape, { capture: true })
  }, [drawerOpen, onCloseDrawer])

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: listens for clicks on the outline's own buttons.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the headings are buttons; Enter on one clicks it.
    <div
      className="outline-slot"
      data-open={drawerOpen || undefined}
      data-testid="outline-slot"
      onClick={(event) => {
        // Jumping to a heading closes the drawer, so the text it scrolled to is not under it.
        if (drawerOpen && (event.target as Element).closest('[data-testid="outline-item"]')) {
          onCloseDrawer(false)
        }
      }}
    >
      <button
        aria-label="Close outline"
        className="tandem-button tandem-icon-button outline-close"
        data-testid="outline-close"
        onClick={() => onCloseDrawer(true)}
        ref={closeButton}
        title="Close outline (Escape)"
        type="button"
      >
        <CloseIcon />
      </button>
      {outline}
    </div>
  )
}
