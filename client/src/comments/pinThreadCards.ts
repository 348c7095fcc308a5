/**
 * Where each thread card goes in the side panel, pinned level with its text as Google Docs does:
 * every card at its anchor's height, pushed down just enough not to overlap the one above it; the
 * active card exactly at its text, the cards above it pushed up to make room (never above the top,
 * where they push it down again instead). Pure: measured heights and anchor offsets in, tops out.
 */

export interface CardToPin {
  readonly id: string
  /** Offset of its anchor's first line from the panel's top (px); null: no text to pin to. */
  readonly anchorTop: number | null
  readonly height: number
}

export interface PinnedCards {
  /** Offset of each card's top from the panel's top (px). */
  readonly tops: ReadonlyMap<string, number>
  /** Height the cards need (px): the bottom of the lowest. */
  readonly height: number
}

/** Space between two cards (px). */
export const CARD_GAP_PX = 10

/**
 * Tops for `cards`: those with an anchor in the order of their text (ties keep the given order),
 * then those without one (detached threads) below them all.
 */
export function pinThreadCards(
  cards: readonly CardToPin[],
  activeId: string | null,
  gap: number = CARD_GAP_PX,
): PinnedCards {
  const anchored = cards
    .map((card, index) => ({ card, index }))
    .filter(({ card }) => card.anchorTop !== null)
    .sort((a, b) => (a.card.anchorTop ?? 0) - (b.card.anchorTop ?? 0) || a.index - b.index)
    .map(({ card }) => card)
  const wanted = anchored.map((card) => Math.max(0, card.anchorTop ?? 0))
  // Downward: each card at its text, or just below the one above.
  const pushDown = (tops: number[], from: number) => {
    for (let i = from; i < anchored.length; i++) {
      const below = i === 0 ? 0 : tops[i - 1]! + anchored[i - 1]!.height + gap
      tops[i] = Math.max(wanted[i]!, below)
    }
  }
  const tops = [...wanted]
  pushDown(tops, 0)
  const active = anchored.findIndex((card) => card.id === activeId)
  if (active > 0 && tops[active]! > wanted[active]!) {
    // The active card goes level with its text; the ones above move up to make room.
    tops[active] = wanted[active]!
    for (let i = active - 1; i >= 0; i--) {
      tops[i] = Math.min(tops[i]!, tops[i + 1]! - gap - anchored[i]!.height)
    }
    // Not above the panel's top: there, everything from the top goes back down as far as needed.
    if (tops[0]! < 0) {
      tops[0] = 0
      for (let i = 1; i < anchored.length; i++) {
        tops[i] = Math.max(tops[i]!, tops[i - 1]! + anchored[i - 1]!.height + gap)
      }
    } else {
      pushDown(tops, active + 1)
    }
  }
  const result = new Map<string, number>()
  let bottom = 0
  anchored.forEach((card, i) => {
    result.set(card.id, tops[i]!)
    bottom = Math.max(bottom, tops[i]! + card.height)
  })
  for (const card of cards) {
    if (card.anchorTop !== null) continue
    const top = bottom === 0 ? 0 : bottom + gap
    result.set(card.id, top)
    bottom = top + card.height
  }
  return { tops: result, height: bottom }
}
