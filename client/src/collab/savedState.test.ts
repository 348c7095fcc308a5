// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SavedTracker } from './SavedTracker'
import { isCoveredBy, markPendingChanges, type PendingChange, settlePendingChanges } from './savedState'

const insert = (clockAfter: number, sent = true): PendingChange => ({ clockAfter, advancesClock: true, sent })
const deletion = (clockAfter: number, sent = true): PendingChange => ({
  clockAfter,
  advancesClock: false,
  sent,
})

describe('settlePendingChanges', () => {
  it('settles insertions whose clock the acknowledged state vector covers', () => {
    const pending = [insert(1), insert(2), insert(5)]
    expect(settlePendingChanges(pending, 2)).toEqual([insert(5)])
    expect(settlePendingChanges(pending, 5)).toEqual([])
    expect(settlePendingChanges(pending, 0)).toEqual(pending)
  })

  it('settles a deletion only once it was sent and everything inserted before it is acknowledged', () => {
    expect(settlePendingChanges([deletion(3)], 2)).toEqual([deletion(3)])
    expect(settlePendingChanges([deletion(3, false)], 3)).toEqual([deletion(3, false)])
    expect(settlePendingChanges([deletion(3)], 3)).toEqual([])
  })

  it('marks every change for re-sending after a disconnect', () => {
    expect(markPendingChanges([insert(1), deletion(1)], false)).toEqual([
      insert(1, false),
      deletion(1, false),
    ])
  })
})

describe('SavedTracker', () => {
  const REMOTE = Symbol('remote')

  function setup() {
    const doc = new Y.Doc()
    let sending = true
    const tracker = new SavedTracker({
      doc,
      isRemoteOrigin: (origin) => origin === REMOTE,
      isSending: () => sending,
    })
    const server = new Y.Doc()
    const deliver = () => Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server)))
    return {
      doc,
      tracker,
      server,
      deliver,
      ack: () => tracker.handleAck(Y.encodeStateVector(server)),
      setSending: (value: boolean) => {
        sending = value
      },
    }
  }

  it('counts local edits until the server acknowledges a state vector covering them', () => {
    const { doc, tracker, deliver, ack } = setup()
    const text = doc.getText('t')
    text.insert(0, 'a')
    text.insert(1, 'b')
    expect(tracker.state.get()).toEqual({ unsavedChanges: 2, acknowledged: false, storedLocally: false })
    ack()
    expect(tracker.state.get().unsavedChanges).toBe(2)
    deliver()
    ack()
    expect(tracker.state.get()).toEqual({ unsavedChanges: 0, acknowledged: true, storedLocally: false })
  })

  it('keeps edits typed after the acknowledged state unsaved', () => {
    const { doc, tracker, deliver, ack } = setup()
    const text = doc.getText('t')
    text.insert(0, 'abc')
    deliver()
    text.insert(3, 'd')
    ack()
    expect(tracker.state.get().unsavedChanges).toBe(1)
  })

  it('ignores remote updates', () => {
    const { doc, tracker } = setup()
    const other = new Y.Doc()
    other.getText('t').insert(0, 'remote')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE)
    expect(tracker.state.get().unsavedChanges).toBe(0)
  })

  it('holds a deletion made offline until it was re-sent by a sync', () => {
    const { doc, tracker, deliver, ack, setSending } = setup()
    const text = doc.getText('t')
    text.insert(0, 'abc')
    deliver()
    ack()
    setSending(false)
    text.delete(0, 1)
    ack()
    expect(tracker.state.get().unsavedChanges).toBe(1)
    tracker.handleSynced()
    deliver()
    ack()
    expect(tracker.state.get().unsavedChanges).toBe(0)
    expect(doc.getText('t').toString()).toBe('bc')
  })

  it('counts changes loaded from the local copy until an acknowledgement covers them', () => {
    const { doc, tracker, deliver, ack } = setup()
    // An earlier visit's edit, loaded from the copy (not counted as a new edit).
    const earlier = new Y.Doc()
    earlier.getText('t').insert(0, 'offline')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(earlier), REMOTE)
    tracker.handleLocalCopyLoaded({ unconfirmedChanges: 3, stateVector: Y.encodeStateVector(doc) })
    expect(tracker.state.get()).toEqual({ unsavedChanges: 3, acknowledged: false, storedLocally: true })
    doc.getText('t').insert(7, '!')
    expect(tracker.state.get().unsavedChanges).toBe(4)
    ack()
    expect(tracker.state.get().unsavedChanges).toBe(4)
    deliver()
    ack()
    expect(tracker.state.get()).toEqual({ unsavedChanges: 0, acknowledged: true, storedLocally: true })
  })
})

describe('isCoveredBy', () => {
  it('is true when the acknowledged vector has every clock', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'abc')
    const vector = Y.encodeStateVector(doc)
    expect(isCoveredBy(vector, vector)).toBe(true)
    expect(isCoveredBy(vector, null)).toBe(false)
    expect(isCoveredBy(Y.encodeStateVector(new Y.Doc()), null)).toBe(true)
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc))
    doc.getText('t').insert(3, 'd')
    expect(isCoveredBy(Y.encodeStateVector(doc), Y.encodeStateVector(server))).toBe(false)
  })
})
