/**
 * Pins the side panel's thread cards level with their text (pinThreadCards) while the panel sits
 * beside the paper; below that width the panel is a bottom sheet and keeps a plain list. Measures
 * after every render that may move something: the anchors were placed again (an edit), a card
 * changed size (a reply box opened), the text reflowed (window width, an image loaded), or another
 * thread became active.
 */
import { type RefObject, useLayoutEffect, useState } from 'react'
import { useMediaQuery } from '../app/useMediaQuery'
import type { AnchorPlace } from './commentHighlights'
import { type PinnedCards, pinThreadCards } from './pinThreadCards'

/** Where app.css puts the panel beside the paper (below: a bottom sheet). */
export const PINNED_PANEL_QUERY = '(min-width: 1000px)'

/** The attribute each card carries, for measuring. */
export const CARD_ID_ATTRIBUTE = 'data-thread-id'

/** Whether the panel is beside the paper now. */
export function usePanelBesidePaper(): boolean {
  return useMediaQuery(PINNED_PANEL_QUERY)
}

export interface CardAnchor {
  readonly id: string
  /** Where its text is (null or detached: pinned below the others). */
  readonly place: AnchorPlace | undefined
  /** Offset from the body's top when there is no range to measure (a draft's selection). */
  readonly fixedTop?: number
}

function sameLayout(a: PinnedCards | null, b: PinnedCards): boolean {
  if (a === null || a.height !== b.height || a.tops.size !== b.tops.size) return false
  for (const [id, top] of b.tops) if (a.tops.get(id) !== top) return false
  return true
}

/** The cards' tops in `body` (null while not pinned, or before the first measure). */
export function usePinnedCards(
  body: RefObject<HTMLElement | null>,
  textRoot: HTMLElement | null,
  cards: readonly CardAnchor[],
  activeId: string | null,
  pinned: boolean,
): PinnedCards | null {
  const [layout, setLayout] = useState<PinnedCards | null>(null)
  const [measureTick, setMeasureTick] = useState(0)
  // Observers are set up again only when the cards themselves change (observing reports at once).
  const cardIds = cards.map((card) => card.id).join('\n')

  // Sizes that change without a React render here: cards growing, text reflowing.
  useLayoutEffect(() => {
    const element = body.current
    // No cards, nothing to keep level (and a new set of cards needs observing again).
    if (!pinned || element === null || cardIds === '') return undefined
    let frame = 0
    const remeasure = () => {
      if (frame !== 0) return
      frame = requestAnimationFrame(() => {
        frame = 0
        setMeasureTick((tick) => tick + 1)
      })
    }
    const observer = new ResizeObserver(remeasure)
    for (const card of element.querySelectorAll(`:scope > [${CARD_ID_ATTRIBUTE}]`)) observer.observe(card)
    if (textRoot) observer.observe(textRoot)
    window.addEventListener('resize', remeasure)
    return () => {
      observer.disconnect()
      window.removeEventListener('resize', remeasure)
      cancelAnimationFrame(frame)
    }
  }, [body, textRoot, pinned, cardIds])

  useLayoutEffect(() => {
    void measureTick
    const element = body.current
    if (!pinned || element === null) {
      setLayout(null)
      return
    }
    const bodyTop = element.getBoundingClientRect().top
    // One pass over the cards' elements (a query per card would be quadratic in a long discussion).
    const nodes = new Map<string, HTMLElement>()
    for (const node of element.querySelectorAll<HTMLElement>(`:scope > [${CARD_ID_ATTRIBUTE}]`)) {
      nodes.set(node.getAttribute(CARD_ID_ATTRIBUTE) ?? '', node)
    }
    const measured = cards.map((card) => {
      const node = nodes.get(card.id)
      const range = card.place && !card.place.detached ? card.place.range : null
      const rect = range?.getBoundingClientRect()
      const anchorTop =
        card.fixedTop !== undefined
          ? card.fixedTop
          : rect && (rect.height > 0 || rect.top !== 0)
            ? rect.top - bodyTop
            : null
      return { id: card.id, anchorTop, height: node?.offsetHeight ?? 0 }
    })
    const next = pinThreadCards(measured, activeId)
    setLayout((previous) => (sameLayout(previous, next) ? previous : next))
  }, [body, cards, activeId, pinned, measureTick])

  return pinned ? layout : null
}
