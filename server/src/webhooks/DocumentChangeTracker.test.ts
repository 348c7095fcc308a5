import { afterEach, describe, expect, it, vi } from 'vitest'
import { type DocumentChange, DocumentChangeTracker, MAX_OPEN_WINDOWS } from './DocumentChangeTracker'
import { MAX_EDITORS_PER_EVENT } from './webhookEvents'

const update = new Uint8Array([0, 0])

describe('DocumentChangeTracker', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('announces each document at most once per window, with every author of the window once', () => {
    vi.useFakeTimers()
    const announced: DocumentChange[] = []
    const tracker = new DocumentChangeTracker(1000, (change) => announced.push(change))
    tracker.onCommitted([
      { room: 'a', update, author: { userId: 'id-Ann', name: 'Ann' } },
      { room: 'b', update, author: { userId: 'id-Ben', name: 'Ben' } },
    ])
    vi.advanceTimersByTime(500)
    tracker.onCommitted([
      { room: 'a', update, author: { userId: 'id-Ben', name: 'Ben' } },
      { room: 'a', update, author: { userId: 'id-Ann', name: 'Ann' } },
      { room: 'a', update },
    ])
    vi.advanceTimersByTime(499)
    expect(announced).toEqual([])
    vi.advanceTimersByTime(1)
    expect(announced.map(({ documentId, editors }) => ({ documentId, editors }))).toEqual([
      { documentId: 'a', editors: ['Ann', 'Ben'] },
      { documentId: 'b', editors: ['Ben'] },
    ])
    // The next edit opens a new window.
    tracker.onCommitted([{ room: 'a', update, author: { userId: 'id-Cy', name: 'Cy' } }])
    vi.advanceTimersByTime(1000)
    expect(announced.at(-1)).toMatchObject({ documentId: 'a', editors: ['Cy'] })
    expect(announced).toHaveLength(3)
  })

  it('bounds the names per event and the open windows, and closes every window on shutdown', () => {
    vi.useFakeTimers()
    const announced: DocumentChange[] = []
    const tracker = new DocumentChangeTracker(60_000, (change) => announced.push(change))
    tracker.onCommitted(
      Array.from({ length: MAX_EDITORS_PER_EVENT + 5 }, (_, i) => ({
        room: 'a',
        update,
        author: { userId: `u${i}` },
      })),
    )
    tracker.onCommitted(Array.from({ length: MAX_OPEN_WINDOWS }, (_, i) => ({ room: `doc-${i}`, update })))
    // Document 'a' was the oldest window: closed early to make room.
    expect(announced).toHaveLength(1)
    expect(announced[0]?.editors).toHaveLength(MAX_EDITORS_PER_EVENT)
    tracker.closeAll()
    expect(announced).toHaveLength(1 + MAX_OPEN_WINDOWS)
    vi.advanceTimersByTime(60_000)
    expect(announced).toHaveLength(1 + MAX_OPEN_WINDOWS)
  })

  it('a postponed change joins the next window, which ends no earlier than asked, names kept', () => {
    vi.useFakeTimers({ now: 100_000 })
    const announced: DocumentChange[] = []
    const tracker = new DocumentChangeTracker(1000, (change) => announced.push(change))
    tracker.postpone({ documentId: 'a', editors: ['Ann'], lastChangedAt: 99_000 }, 103_000)
    tracker.onCommitted([{ room: 'a', update, author: { userId: 'id-Ben', name: 'Ben' } }])
    vi.advanceTimersByTime(2999)
    expect(announced).toEqual([])
    vi.advanceTimersByTime(1)
    expect(announced).toEqual([{ documentId: 'a', editors: ['Ann', 'Ben'], lastChangedAt: 100_000 }])
    // Into a window already open: it keeps its own end.
    tracker.onCommitted([{ room: 'b', update, author: { userId: 'id-Cy', name: 'Cy' } }])
    tracker.postpone({ documentId: 'b', editors: ['Di'], lastChangedAt: 1 }, 103_100)
    vi.advanceTimersByTime(1000)
    expect(announced.at(-1)).toMatchObject({ documentId: 'b', editors: ['Cy', 'Di'] })
  })
})
