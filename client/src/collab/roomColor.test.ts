// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { COLOR_CHECK_INTERVAL_MS, chooseRoomColor, registerRoomColor } from './roomColor'

const PALETTE = ['red', 'green', 'blue', 'grey'] as const
const claim = (userId: string, joinedAtMs: number, color: string) => ({ userId, joinedAtMs, color })
const self = (userId: string, joinedAtMs: number, color: string, preferred = color) => ({
  ...claim(userId, joinedAtMs, color),
  preferred,
})

describe('chooseRoomColor', () => {
  it('keeps the preferred colour when no one wears it', () => {
    expect(chooseRoomColor(self('b', 2, 'red'), [claim('a', 1, 'green')], PALETTE)).toBe('red')
  })

  it('a newcomer yields a colour someone already wears, to the next free one after its preference', () => {
    // (A 4-colour palette is walked in order; the 12-colour one in steps of 5.)
    expect(chooseRoomColor(self('b', 2, 'green'), [claim('a', 1, 'green')], PALETTE)).toBe('blue')
    // ... skipping every worn colour, and wrapping around the palette.
    const peers = [claim('a', 1, 'grey'), claim('c', 1, 'red')]
    expect(chooseRoomColor(self('b', 2, 'grey'), peers, PALETTE)).toBe('green')
  })

  it('the one who joined first keeps a contested colour; equal times fall to the smaller user id', () => {
    expect(chooseRoomColor(self('a', 1, 'red'), [claim('b', 2, 'red')], PALETTE)).toBe('red')
    expect(chooseRoomColor(self('a', 5, 'red'), [claim('b', 5, 'red')], PALETTE)).toBe('red')
    expect(chooseRoomColor(self('b', 5, 'red'), [claim('a', 5, 'red')], PALETTE)).toBe('green')
  })

  it('does not go back to the preferred colour when its wearer leaves (colours stay put)', () => {
    expect(chooseRoomColor(self('b', 2, 'blue', 'red'), [], PALETTE)).toBe('blue')
  })

  it('peers that announce no join time (other clients, fixed colours) never yield, so they rank first', () => {
    expect(chooseRoomColor(self('a', 1, 'red'), [claim('host-fixed', 0, 'red')], PALETTE)).toBe('green')
  })

  it('a second tab of one person wears the colour of the first', () => {
    const peers = [claim('a', 1, 'blue'), claim('b', 2, 'red')]
    expect(chooseRoomColor(self('a', 3, 'red'), peers, PALETTE)).toBe('blue')
  })

  it('with more people than colours, takes one no earlier person wears', () => {
    const peers = [claim('a', 1, 'red'), claim('b', 1, 'green'), claim('c', 1, 'blue'), claim('d', 9, 'grey')]
    expect(chooseRoomColor(self('e', 5, 'red'), peers, PALETTE)).toBe('grey')
  })

  it('gives every one of twelve people who all prefer one colour a distinct colour, whatever the join order', () => {
    const people = Array.from({ length: 12 }, (_, index) => `user-${index}`)
    for (let shift = 0; shift < people.length; shift++) {
      const order = [...people.slice(shift), ...people.slice(0, shift)]
      const worn: ReturnType<typeof claim>[] = []
      for (const [joinedAtMs, userId] of order.entries()) {
        worn.push(claim(userId, joinedAtMs, chooseRoomColor(self(userId, joinedAtMs, '#e5484d'), worn)))
      }
      expect(new Set(worn.map((entry) => entry.color)).size).toBe(12)
    }
  })
})

/** Two awareness instances wired to each other, as two browsers through the server. */
function connectedPair() {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  const forward = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === 'remote') return
      const changed = [...added!, ...updated!, ...removed!]
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, changed), 'remote')
    })
  forward(a, b)
  forward(b, a)
  return { a, b }
}

describe('registerRoomColor', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('moves the later of two people who prefer one colour, and puts it back when the plugin resets it', () => {
    const { a, b } = connectedPair()
    a.setLocalState({ name: 'Ann', color: '#e5484d', awarenessData: { userId: 'ann', joinedAtMs: 1 } })
    const stopA = registerRoomColor(a, { userId: 'ann', joinedAtMs: 1, preferred: '#e5484d' })
    b.setLocalState({ name: 'Ben', color: '#e5484d', awarenessData: { userId: 'ben', joinedAtMs: 2 } })
    const stopB = registerRoomColor(b, { userId: 'ben', joinedAtMs: 2, preferred: '#e5484d' })
    vi.advanceTimersByTime(COLOR_CHECK_INTERVAL_MS)

    expect(a.getLocalState()?.color).toBe('#e5484d')
    // The next free colour five palette steps on (#e5484d red -> #0090ff blue): a distant hue.
    expect(b.getLocalState()?.color).toBe('#0090ff')
    expect(a.getStates().get(b.clientID)?.color).toBe('#0090ff')

    // The collaboration plugin re-initialises its local state with the colour it was given.
    b.setLocalState({ name: 'Ben', color: '#e5484d', awarenessData: { userId: 'ben', joinedAtMs: 2 } })
    vi.advanceTimersByTime(COLOR_CHECK_INTERVAL_MS)
    expect(b.getLocalState()?.color).toBe('#0090ff')
    stopA()
    stopB()
  })

  it('checks a burst of changes once', () => {
    const { a, b } = connectedPair()
    a.setLocalState({ name: 'Ann', color: '#e5484d', awarenessData: { userId: 'ann', joinedAtMs: 1 } })
    b.setLocalState({ name: 'Ben', color: '#0090ff', awarenessData: { userId: 'ben', joinedAtMs: 2 } })
    const stop = registerRoomColor(b, { userId: 'ben', joinedAtMs: 2, preferred: '#0090ff' })
    const reads = vi.spyOn(b, 'getStates')
    for (let move = 0; move < 50; move++) a.setLocalStateField('anchorPos', move)
    vi.advanceTimersByTime(COLOR_CHECK_INTERVAL_MS)
    expect(reads).toHaveBeenCalledTimes(1)
    stop()
  })
})
