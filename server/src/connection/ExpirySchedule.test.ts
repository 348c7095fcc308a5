/** The node's one expiry timer, on real timers with short expiries, over items its owner holds. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ExpirySchedule } from './ExpirySchedule'

/** Real timers under a loaded machine: generous deadlines, short polls. */
const POLL = { timeout: 5000, interval: 2 }

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  vi.restoreAllMocks()
})

/**
 * A schedule over a map of items to expiries, as the acceptor's over its connections: `add` lists an
 * item and tells the schedule, `remove` unlists it (a socket that closed first), and an ended item
 * is removed by its owner, as a closed connection is.
 */
function schedule<T>(onExpired: (item: T) => void, onError = (_error: unknown, _item: T) => {}) {
  const items = new Map<T, number | null>()
  const expiries = new ExpirySchedule<T>({
    items: { [Symbol.iterator]: () => items.keys() },
    expiresAtMs: (item) => items.get(item) ?? null,
    onExpired: (item) => {
      onExpired(item)
      items.delete(item)
    },
    onError: (error, item) => {
      items.delete(item)
      onError(error, item)
    },
  })
  stops.push(() => expiries.stop())
  return {
    items,
    add(item: T, atMs: number) {
      items.set(item, atMs)
      expiries.expectBy(atMs)
    },
    remove: (item: T) => items.delete(item),
    stop: () => expiries.stop(),
  }
}

describe('ExpirySchedule', () => {
  it('ends each item at its expiry, never before, in order', async () => {
    const ended: Array<{ name: string; lateMs: number }> = []
    const expiries = schedule<{ name: string; atMs: number }>((item) =>
      ended.push({ name: item.name, lateMs: Date.now() - item.atMs }),
    )
    const start = Date.now()
    // Added out of order: a sooner expiry re-arms the timer.
    for (const [name, inMs] of [
      ['c', 90],
      ['a', 30],
      ['b', 60],
    ] as const) {
      expiries.add({ name, atMs: start + inMs }, start + inMs)
    }
    await vi.waitFor(() => expect(ended).toHaveLength(3), POLL)
    expect(ended.map((item) => item.name)).toEqual(['a', 'b', 'c'])
    for (const { lateMs } of ended) {
      expect(lateMs).toBeGreaterThanOrEqual(0)
      expect(lateMs).toBeLessThan(1000)
    }
  })

  it('ends nothing its owner removed first; an expiry already past ends on the next turn', async () => {
    const ended: string[] = []
    const expiries = schedule<string>((item) => ended.push(item))
    expiries.add('gone', Date.now() + 20)
    expiries.add('stays', Date.now() + 40)
    expiries.remove('gone')
    expiries.add('past', Date.now() - 1000)
    await vi.waitFor(() => expect(ended).toContain('stays'), POLL)
    expect(ended).toEqual(['past', 'stays'])
  })

  it('ends items due in one pass in expiry order, whatever order they were added in', async () => {
    const ended: string[] = []
    const expiries = schedule<string>((item) => ended.push(item))
    const now = Date.now()
    // All already due: one pass ends them, as a timer firing late would.
    expiries.add('third', now - 10)
    expiries.add('first', now - 30)
    expiries.add('second', now - 20)
    await vi.waitFor(() => expect(ended).toHaveLength(3), POLL)
    expect(ended).toEqual(['first', 'second', 'third'])
  })

  it('uses one timer however many items there are, and skips items that never expire', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    const ended: number[] = []
    const expiries = schedule<number>((item) => ended.push(item))
    const start = Date.now()
    // Later and later expiries, as tokens issued one after another: the first arms the timer.
    for (let i = 0; i < 1000; i++) expiries.add(i, start + 60_000 + i)
    expect(timeouts).toHaveBeenCalledTimes(1)
    expiries.items.set(-1, null)
    expiries.add(2000, Date.now() + 10)
    await vi.waitFor(() => expect(ended).toEqual([2000]), POLL)
  })

  it('reports what onExpired threw and still ends the others and re-arms for the rest', async () => {
    const ended: string[] = []
    const errors: string[] = []
    const expiries = schedule<string>(
      (item) => {
        if (item === 'bad') throw new Error('boom')
        ended.push(item)
      },
      (_error, item) => errors.push(item),
    )
    const at = Date.now() + 20
    expiries.add('bad', at)
    expiries.add('good', at)
    expiries.add('later', at + 30)
    await vi.waitFor(() => expect(ended).toContain('later'), POLL)
    expect(errors).toEqual(['bad'])
    expect(ended).toEqual(['good', 'later'])
  })

  it('stop ends the timer: nothing ends afterwards', async () => {
    const ended: string[] = []
    const expiries = schedule<string>((item) => ended.push(item))
    expiries.add('x', Date.now() + 10)
    expiries.stop()
    // A later item on a fresh schedule proves time passed beyond x's expiry.
    const witness = schedule<string>((item) => ended.push(item))
    witness.add('witness', Date.now() + 40)
    await vi.waitFor(() => expect(ended).toContain('witness'), POLL)
    expect(ended).toEqual(['witness'])
  })
})
