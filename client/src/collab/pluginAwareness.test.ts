// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import {
  CARET_INTERVAL_MS,
  createPluginAwareness,
  MAX_DRAWN_CARETS,
  REDRAW_INTERVAL_MS,
} from './pluginAwareness'

let awareness: Awareness

beforeEach(() => {
  vi.useFakeTimers()
  awareness = new Awareness(new Y.Doc())
  awareness.setLocalState({ name: 'Ann', color: '#111', focusing: true, anchorPos: null, focusPos: null })
})

afterEach(() => {
  awareness.destroy()
  vi.useRealTimers()
})

/** Local state changes the awareness emitted (what y-websocket would send). */
function countLocalChanges(): () => number {
  let changes = 0
  awareness.on('update', ({ updated }: { updated: number[] }) => {
    if (updated.includes(awareness.clientID)) changes++
  })
  return () => changes
}

function peer(clientId: number, lastUpdated: number) {
  awareness.states.set(clientId, { name: `p${clientId}` })
  awareness.meta.set(clientId, { clock: 1, lastUpdated })
}

describe('createPluginAwareness', () => {
  it('sends a moving caret at most once per interval, and its last position when the interval ends', () => {
    const changes = countLocalChanges()
    const plugin = createPluginAwareness(awareness)
    for (let i = 0; i < 20; i++) {
      const state = plugin.getLocalState()!
      plugin.setLocalState({ ...state, anchorPos: { i } as never, focusPos: { i } as never })
      vi.advanceTimersByTime(5)
    }
    // 100 ms of moves: the first at once, then one per interval.
    expect(changes()).toBeLessThanOrEqual(2)
    expect(plugin.getLocalState()!.anchorPos).toEqual({ i: 19 })
    vi.advanceTimersByTime(CARET_INTERVAL_MS)
    expect((awareness.getLocalState() as { anchorPos: unknown }).anchorPos).toEqual({ i: 19 })
    plugin.destroy()
  })

  it('sends other changes (focus, name) at once, with the caret waiting', () => {
    const changes = countLocalChanges()
    const plugin = createPluginAwareness(awareness)
    plugin.setLocalState({ ...plugin.getLocalState()!, anchorPos: { a: 1 } as never })
    plugin.setLocalState({ ...plugin.getLocalState()!, anchorPos: { a: 2 } as never })
    plugin.setLocalState({ ...plugin.getLocalState()!, focusing: false })
    expect(awareness.getLocalState()).toMatchObject({ focusing: false, anchorPos: { a: 2 } })
    expect(changes()).toBe(2)
    plugin.destroy()
  })

  it('sends a waiting caret over the state as it is then, not the state it was based on', () => {
    const plugin = createPluginAwareness(awareness)
    plugin.setLocalState({ ...plugin.getLocalState()!, anchorPos: { a: 1 } as never })
    plugin.setLocalState({ ...plugin.getLocalState()!, anchorPos: { a: 2 } as never })
    // Something else (the room's colour rule) changes the state meanwhile.
    awareness.setLocalStateField('color', '#222')
    vi.advanceTimersByTime(CARET_INTERVAL_MS)
    expect(awareness.getLocalState()).toMatchObject({ color: '#222', anchorPos: { a: 2 } })
    plugin.destroy()
  })

  it('redraws at most once per interval however many changes arrive', () => {
    const plugin = createPluginAwareness(awareness)
    const redraw = vi.fn()
    plugin.on('update', redraw)
    for (let i = 0; i < 100; i++) {
      awareness.emit('update', [{ added: [], updated: [1000 + i], removed: [] }, 'remote'])
    }
    expect(redraw).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS)
    expect(redraw).toHaveBeenCalledTimes(2)
    plugin.destroy()
  })

  it('draws carets only for the people who changed most recently', () => {
    const plugin = createPluginAwareness(awareness)
    for (let i = 1; i <= 2 * MAX_DRAWN_CARETS; i++) peer(i, i)
    const drawn = [...plugin.getStates().keys()]
    expect(drawn).toHaveLength(MAX_DRAWN_CARETS)
    expect(Math.min(...drawn)).toBe(MAX_DRAWN_CARETS + 1)
    plugin.destroy()
  })
})
