// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness'
import * as Y from 'yjs'
import {
  forgetDepartedPeers,
  type PageEvents,
  reannouncePresence,
  registerPresenceRestoreOnStay,
} from './presenceLifecycle'

function awarenessWithState(name: string): Awareness {
  const awareness = new Awareness(new Y.Doc())
  awareness.setLocalState({ name })
  return awareness
}

function fakePage() {
  const listeners = new Map<string, ((event: Event) => void)[]>()
  const page: PageEvents = {
    addEventListener: (type, listener) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    removeEventListener: (type, listener) =>
      listeners.set(
        type,
        (listeners.get(type) ?? []).filter((entry) => entry !== listener),
      ),
  }
  const fire = (type: string, event: Partial<PageTransitionEvent> = {}) => {
    for (const listener of listeners.get(type) ?? []) listener(event as Event)
  }
  return { page, fire, count: () => [...listeners.values()].flat().length }
}

describe('forgetDepartedPeers', () => {
  it('lets a peer dropped on disconnect come back at the clock the server re-sends', () => {
    const ann = awarenessWithState('Ann')
    const ben = awarenessWithState('Ben')
    const benUpdate = encodeAwarenessUpdate(ben, [ben.clientID])
    applyAwarenessUpdate(ann, benUpdate, 'server')
    // What y-websocket does when its socket closes: every remote state goes, their clocks stay.
    removeAwarenessStates(ann, [ben.clientID], 'provider')
    applyAwarenessUpdate(ann, benUpdate, 'server')
    expect(ann.getStates().has(ben.clientID)).toBe(false)

    forgetDepartedPeers(ann)
    applyAwarenessUpdate(ann, benUpdate, 'server')
    expect(ann.getStates().get(ben.clientID)).toEqual({ name: 'Ben' })
  })

  it('keeps the clocks of peers still shown and of this client', () => {
    const ann = awarenessWithState('Ann')
    const ben = awarenessWithState('Ben')
    applyAwarenessUpdate(ann, encodeAwarenessUpdate(ben, [ben.clientID]), 'server')
    forgetDepartedPeers(ann)
    expect(ann.meta.has(ben.clientID)).toBe(true)
    expect(ann.meta.has(ann.clientID)).toBe(true)
  })
})

describe('reannouncePresence', () => {
  it('sends the same state at a newer clock, which a peer that saw it leave takes in', () => {
    const ann = awarenessWithState('Ann')
    const ben = awarenessWithState('Ben')
    applyAwarenessUpdate(ben, encodeAwarenessUpdate(ann, [ann.clientID]), 'server')
    // The server announces Ann's closed socket: her state at the same clock, removed.
    applyAwarenessUpdate(ben, encodeAwarenessUpdate(ann, [ann.clientID], new Map()), 'server')
    expect(ben.getStates().has(ann.clientID)).toBe(false)
    // A re-send at the old clock is ignored; after the re-announcement it is taken in.
    applyAwarenessUpdate(ben, encodeAwarenessUpdate(ann, [ann.clientID]), 'server')
    expect(ben.getStates().has(ann.clientID)).toBe(false)
    reannouncePresence(ann)
    applyAwarenessUpdate(ben, encodeAwarenessUpdate(ann, [ann.clientID]), 'server')
    expect(ben.getStates().get(ann.clientID)).toEqual({ name: 'Ann' })
  })

  it('does not announce a tab that has no presence', () => {
    const ann = awarenessWithState('Ann')
    ann.setLocalState(null)
    reannouncePresence(ann)
    expect(ann.getLocalState()).toBeNull()
  })
})

describe('registerPresenceRestoreOnStay', () => {
  const setup = () => {
    const awareness = awarenessWithState('Ann')
    const { page, fire, count } = fakePage()
    const deferred: (() => void)[] = []
    const unregister = registerPresenceRestoreOnStay(page, awareness, {
      defer: (callback) => deferred.push(callback),
    })
    // Lexical's own beforeunload/pagehide handler.
    const unload = (type: string) => {
      fire(type)
      awareness.setLocalState(null)
    }
    return { awareness, fire, count, deferred, unregister, unload }
  }

  it('puts presence back when the page stays after beforeunload (a cancelled prompt)', () => {
    const { awareness, deferred, unload } = setup()
    unload('beforeunload')
    expect(awareness.getLocalState()).toBeNull()
    for (const callback of deferred) callback()
    expect(awareness.getLocalState()).toEqual({ name: 'Ann' })
  })

  it('leaves presence cleared when the page goes away', () => {
    const { awareness, deferred, unload } = setup()
    unload('beforeunload')
    unload('pagehide')
    for (const callback of deferred) callback()
    expect(awareness.getLocalState()).toBeNull()
  })

  it('comes back with the page from the back/forward cache', () => {
    const { awareness, fire, unload } = setup()
    unload('pagehide')
    fire('pageshow', { persisted: true })
    expect(awareness.getLocalState()).toEqual({ name: 'Ann' })
  })

  it('removes its listeners', () => {
    const { count, unregister } = setup()
    expect(count()).toBe(3)
    unregister()
    expect(count()).toBe(0)
  })
})
