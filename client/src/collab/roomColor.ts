/**
 * A caret and avatar colour no one else in the room wears. The colour derived from the user id
 * (`colorForUser`) is only a preference: 12 colours, so three people collide often (issue 15,
 * item 7). Each client moves only its own colour, by a rule every client evaluates the same way.
 */
import type { Awareness } from 'y-protocols/awareness'
import { USER_COLORS } from '../identity/identity'
import type { TandemAwarenessData } from './presence'

/** What a peer's awareness state says about its colour. */
export interface ColorClaim {
  userId: string
  /**
   * When the peer started wearing its colour (its page's start). Missing (0) for clients that do not
   * run this rule, and for colours a host fixed: they never move, so they rank first.
   */
  joinedAtMs: number
  color: string
}

/**
 * Who keeps a contested colour: whoever joined first, then the smaller user id. A total order every
 * client computes alike, so exactly one side of a collision moves, and a newcomer never displaces
 * someone already there.
 */
export function ranksBefore(a: ColorClaim, b: ColorClaim): boolean {
  if (a.joinedAtMs !== b.joinedAtMs) return a.joinedAtMs < b.joinedAtMs
  return a.userId < b.userId
}

/**
 * The colour `self` should wear next, given the colours peers wear now:
 * - another tab of the same person that joined earlier: its colour (one person, one colour);
 * - the current colour, unless someone ranked before `self` wears it (stable: nobody changes colour
 *   because someone else joined or left);
 * - else the first palette colour, from the preferred one on (distant hues first), that no one
 *   wears; else one no one ranked before wears; else (more people than colours) the current one.
 */
export function chooseRoomColor(
  self: ColorClaim & { preferred: string },
  peers: readonly ColorClaim[],
  palette: readonly string[] = USER_COLORS,
): string {
  const earlierTab = peers
    .filter((peer) => peer.userId === self.userId && ranksBefore(peer, self))
    .sort((a, b) => a.joinedAtMs - b.joinedAtMs)[0]
  if (earlierTab !== undefined) return earlierTab.color
  const others = peers.filter((peer) => peer.userId !== self.userId)
  const takenByEarlier = new Set(others.filter((peer) => ranksBefore(peer, self)).map((peer) => peer.color))
  if (!takenByEarlier.has(self.color)) return self.color
  const worn = new Set(others.map((peer) => peer.color))
  const start = Math.max(0, palette.indexOf(self.preferred))
  const stride = candidateStride(palette.length)
  const candidates = palette.map((_, index) => palette[(start + index * stride) % palette.length]!)
  return (
    candidates.find((color) => !worn.has(color)) ??
    candidates.find((color) => !takenByEarlier.has(color)) ??
    self.color
  )
}

/**
 * Palette steps between the colours tried after the preferred one. The palette runs through the hues
 * in order, so its neighbours look alike; a step of 5 (coprime with 12, so every colour comes up once)
 * tries distant hues first. Palettes it does not suit are walked in order.
 */
function candidateStride(length: number): number {
  const STRIDE = 5
  let [a, b] = [STRIDE, length]
  while (b !== 0) [a, b] = [b, a % b]
  return a === 1 ? STRIDE : 1
}

/** Reads a peer's claim from its awareness state; null when it announces no colour. */
export function readColorClaim(clientId: number, state: Record<string, unknown>): ColorClaim | null {
  if (typeof state.color !== 'string') return null
  const data = (state.awarenessData ?? {}) as Partial<TandemAwarenessData>
  return {
    userId: typeof data.userId === 'string' && data.userId !== '' ? data.userId : `client:${clientId}`,
    joinedAtMs: typeof data.joinedAtMs === 'number' && Number.isFinite(data.joinedAtMs) ? data.joinedAtMs : 0,
    color: state.color,
  }
}

/**
 * Changes are checked together, at most once per this interval: a check reads every peer, and a room
 * of thousands changes its awareness thousands of times a second.
 */
export const COLOR_CHECK_INTERVAL_MS = 100

/**
 * Keeps the local awareness state's `color` distinct from the peers' until the returned function is
 * called. Written with `setLocalStateField`, not through the collaboration plugin's `cursorColor`:
 * the plugin reconnects the socket whenever that prop changes. The plugin rewrites the colour when it
 * (re)initialises its local state; the next check puts the chosen one back.
 */
export function registerRoomColor(
  awareness: Awareness,
  self: { userId: string; joinedAtMs: number; preferred: string },
): () => void {
  let color = self.preferred
  const update = () => {
    const peers: ColorClaim[] = []
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID || state === null) continue
      const claim = readColorClaim(clientId, state)
      if (claim !== null) peers.push(claim)
    }
    color = chooseRoomColor({ ...self, color }, peers)
    const local = awareness.getLocalState()
    if (local !== null && local.color !== color) awareness.setLocalStateField('color', color)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined
      update()
    }, COLOR_CHECK_INTERVAL_MS)
  }
  update()
  awareness.on('change', schedule)
  return () => {
    clearTimeout(timer)
    awareness.off('change', schedule)
  }
}
