/**
 * The awareness the collaboration plugin sees, shaped for rooms of thousands (issue 17):
 * - Caret moves go out at most once per CARET_INTERVAL_MS while the caret moves; the last position
 *   goes out when the interval ends, so peers see where it stopped. Other changes (focus, name,
 *   leaving) go out at once.
 * - The plugin redraws every remote caret on each awareness event. With 2,000 people renewing their
 *   presence that was 2,000 redraws a second of 2,000 carets each (a tab froze 0.4-0.75 s): its
 *   listeners now run at most once per REDRAW_INTERVAL_MS.
 * - It draws carets only for the MAX_DRAWN_CARETS people who moved most recently; the presence
 *   list still shows everyone.
 */
import type { ProviderAwareness, UserState } from '@lexical/yjs'
import type { Awareness } from 'y-protocols/awareness'
import { throttle } from './throttle'

export const CARET_INTERVAL_MS = 80
export const REDRAW_INTERVAL_MS = 50
export const MAX_DRAWN_CARETS = 50

/** Fields a caret move changes; a change to anything else is not a caret move. */
const CARET_FIELDS = new Set(['anchorPos', 'focusPos'])

function onlyCaretMoved(previous: Record<string, unknown> | null, next: Record<string, unknown>): boolean {
  if (previous === null) return false
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)])
  for (const key of keys) {
    if (!CARET_FIELDS.has(key) && previous[key] !== next[key]) return false
  }
  return true
}

export interface PluginAwareness extends ProviderAwareness {
  /** Sends a waiting caret move now and stops the timers. */
  destroy(): void
}

export function createPluginAwareness(awareness: Awareness): PluginAwareness {
  /** Caret fields waiting to go out; applied over the state as it is then (a colour may have moved). */
  let pendingCaret: { anchorPos: unknown; focusPos: unknown } | null = null
  const flushCaret = () => {
    const caretFields = pendingCaret
    pendingCaret = null
    const current = awareness.getLocalState()
    if (caretFields !== null && current !== null) awareness.setLocalState({ ...current, ...caretFields })
  }
  const caret = throttle(CARET_INTERVAL_MS, flushCaret)
  const listeners = new Set<() => void>()
  const redraw = throttle(REDRAW_INTERVAL_MS, () => {
    for (const listener of listeners) listener()
  })
  const handleUpdate = () => redraw.request()
  awareness.on('update', handleUpdate)

  const getLocalState = () => {
    const current = awareness.getLocalState()
    return (
      current !== null && pendingCaret !== null ? { ...current, ...pendingCaret } : current
    ) as UserState | null
  }
  const setLocalState = (state: UserState | null) => {
    const next = state as Record<string, unknown> | null
    if (next !== null && onlyCaretMoved(getLocalState() as Record<string, unknown> | null, next)) {
      pendingCaret = { anchorPos: next.anchorPos, focusPos: next.focusPos }
      caret.request()
      return
    }
    caret.cancel()
    pendingCaret = null
    awareness.setLocalState(next)
  }

  return {
    getLocalState,
    setLocalState,
    setLocalStateField(field, value) {
      const current = getLocalState()
      if (current !== null) setLocalState({ ...current, [field]: value } as UserState)
    },
    getStates() {
      const states = awareness.getStates() as Map<number, UserState>
      if (states.size <= MAX_DRAWN_CARETS + 1) return states
      // The most recently updated entries (the local one is skipped by the plugin anyway).
      const recent = [...awareness.meta.entries()]
        .filter(([clientId]) => states.has(clientId) && clientId !== awareness.clientID)
        .sort(([, a], [, b]) => b.lastUpdated - a.lastUpdated)
        .slice(0, MAX_DRAWN_CARETS)
      const drawn = new Map<number, UserState>()
      for (const [clientId] of recent) drawn.set(clientId, states.get(clientId)!)
      return drawn
    },
    on(_type, listener) {
      listeners.add(listener)
    },
    off(_type, listener) {
      listeners.delete(listener)
    },
    destroy() {
      awareness.off('update', handleUpdate)
      redraw.cancel()
      caret.cancel()
      flushCaret()
      listeners.clear()
    },
  }
}
