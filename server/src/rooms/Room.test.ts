/**
 * The room without sockets: peers that record what they are sent, the in-memory store behind the
 * real commit queue. What the integration suites check through real sockets, here in milliseconds.
 */
import { type CloseCode, type Message, type MessageKind, readMessage } from '@tandem/shared'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { testRoomContext } from '../../test/helpers/roomContext'
import type { UpdateEntry } from '../persistence/DocumentStore'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { StorageError } from '../persistence/StorageError'
import type { Peer } from './Peer'
import { Room } from './Room'

class RecordingPeer implements Peer {
  readonly frames: Uint8Array[] = []
  closedWith: number | null = null

  constructor(
    readonly identity: { userId: string; role: 'editor' },
    readonly wantsSavedAcks = false,
  ) {}

  send(frame: Uint8Array, _type: MessageKind): void {
    this.frames.push(frame)
  }

  sendSyncStep2(step2: Uint8Array, since: Uint8Array | undefined): void {
    this.frames.push(step2, ...(since ? [since] : []))
  }

  close(code: CloseCode): void {
    this.closedWith ??= code.code
  }

  messages(type?: Message['type']): Message[] {
    return this.frames.map(readMessage).filter((message) => type === undefined || message.type === type)
  }
}

class FailingStore extends MemoryStore {
  failing = false
  override async append(entries: readonly UpdateEntry[]): Promise<void> {
    if (this.failing) throw new StorageError('unavailable', 'disk gone')
    return super.append(entries)
  }
}

/** A typist's Y.Doc: each call types `text` and returns the update it made. */
function typist(clientID: number) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  return (text: string): Uint8Array => {
    let update: Uint8Array | undefined
    doc.once('update', (u: Uint8Array) => {
      update = u
    })
    doc.getText('t').insert(doc.getText('t').length, text)
    return update!
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

const rooms: Room[] = []
afterEach(() => {
  for (const room of rooms.splice(0)) room.destroy()
})

async function openRoom(store = new FailingStore()) {
  const ctx = testRoomContext(store)
  const room = await Room.load('room', ctx)
  rooms.push(room)
  return { room, store }
}

describe('Room', () => {
  it('stores an update before applying it, then sends it to the other peers in one frame', async () => {
    const { room, store } = await openRoom()
    const alice = new RecordingPeer({ userId: 'alice', role: 'editor' })
    const bob = new RecordingPeer({ userId: 'bob', role: 'editor' })
    room.attach(alice)
    room.attach(bob)
    const type = typist(1)
    room.handleClientUpdate(alice, type('a'))
    room.handleClientUpdate(alice, type('b'))
    expect(room.doc.getText('t').toString(), 'nothing applied before it is stored').toBe('')
    expect((await store.load('room')).updates).toHaveLength(0)
    await turn()
    await turn()
    expect((await store.load('room')).updates).toHaveLength(2)
    expect(room.doc.getText('t').toString()).toBe('ab')
    const updates = bob.messages('sync-update')
    expect(updates, 'the batch reaches Bob as one frame').toHaveLength(1)
    expect(alice.messages('sync-update'), 'no echo to the sole sender').toHaveLength(0)
  })

  it('a failed append applies nothing, closes only its senders (4503), and readers keep reading', async () => {
    const { room, store } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    const reader = new RecordingPeer({ userId: 'r', role: 'editor' })
    room.attach(writer)
    room.attach(reader)
    store.failing = true
    room.handleClientUpdate(writer, typist(1)('lost?'))
    await turn()
    await turn()
    expect(writer.closedWith).toBe(4503)
    expect(reader.closedWith).toBeNull()
    expect(room.doc.getText('t').toString()).toBe('')
    expect(reader.messages('sync-update')).toHaveLength(0)
    store.failing = false
    room.handleClientUpdate(reader, typist(2)('still here'))
    await turn()
    await turn()
    expect(room.doc.getText('t').toString()).toBe('still here')
  })

  it('acknowledges SAVED only once the sender’s updates are stored and applied', async () => {
    const { room, store } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' }, true)
    room.attach(writer)
    room.handleClientUpdate(writer, typist(1)('x'))
    expect(writer.messages('saved')).toHaveLength(0)
    await turn()
    await turn()
    const saved = writer.messages('saved')
    expect(saved).toHaveLength(1)
    expect((await store.load('room')).updates).toHaveLength(1)
  })

  it('an update that releases waiting structs reaches its own sender too: the frame carries others’ structs', async () => {
    const { room } = await openRoom()
    // One person in two tabs (same user, so either may write under the id), and a reader.
    const tabA = new RecordingPeer({ userId: 'u', role: 'editor' })
    const tabB = new RecordingPeer({ userId: 'u', role: 'editor' })
    const reader = new RecordingPeer({ userId: 'r', role: 'editor' })
    for (const peer of [tabA, tabB, reader]) room.attach(peer)
    const type = typist(7)
    const first = type('one ')
    const second = type('two')
    room.handleClientUpdate(tabB, second) // waits for `first`
    await turn()
    await turn()
    room.handleClientUpdate(tabA, first)
    await turn()
    await turn()
    expect(room.doc.getText('t').toString()).toBe('one two')
    const seenByA = new Y.Doc()
    Y.applyUpdate(seenByA, first)
    for (const message of tabA.messages('sync-update')) {
      if (message.type === 'sync-update') Y.applyUpdate(seenByA, message.update)
    }
    expect(seenByA.getText('t').toString(), 'tab A learns the text tab B wrote').toBe('one two')
  })

  it('peers get the bytes as sent; an update that changes nothing sends nothing', async () => {
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    const reader = new RecordingPeer({ userId: 'r', role: 'editor' })
    room.attach(writer)
    room.attach(reader)
    const update = typist(3)('once')
    room.handleClientUpdate(writer, update)
    await turn()
    await turn()
    const [message] = reader.messages('sync-update')
    expect(message?.type === 'sync-update' && message.update).toEqual(update)
    room.handleClientUpdate(writer, update)
    await turn()
    await turn()
    expect(reader.messages('sync-update'), 'a repeat is stored but is no news').toHaveLength(1)
    expect(room.doc.getText('t').toString()).toBe('once')
  })

  it('while structs wait, concurrent formatting still reaches readers (Yjs cleans up in a second transaction)', async () => {
    const { room } = await openRoom()
    const [a, b, c, reader] = ['a', 'b', 'c', 'r'].map(
      (userId) => new RecordingPeer({ userId, role: 'editor' }),
    ) as [RecordingPeer, RecordingPeer, RecordingPeer, RecordingPeer]
    for (const peer of [a, b, c, reader]) room.attach(peer)
    const settle = async () => {
      await turn()
      await turn()
    }
    const docOf = (clientID: number) => Object.assign(new Y.Doc(), { clientID })
    const change = (doc: Y.Doc, edit: () => void) => {
      let update: Uint8Array | undefined
      doc.once('update', (u: Uint8Array) => {
        update = u
      })
      doc.transact(edit)
      return update!
    }
    const line = (doc: Y.Doc) => doc.getXmlFragment('root').get(0) as Y.XmlText
    const writer = docOf(1)
    const typed = change(writer, () => {
      const text = new Y.XmlText()
      writer.getXmlFragment('root').insert(0, [text])
      text.insert(0, 'abc')
    })
    room.handleClientUpdate(a, typed)
    await settle()
    // An editor's insert after a struct nobody has: Yjs keeps it waiting, so the room must ask Yjs
    // for its encoding of every apply from now on.
    const ghost = docOf(777)
    change(ghost, () => ghost.getText('g').insert(0, 'x'))
    const orphanWriter = docOf(4)
    Y.applyUpdate(orphanWriter, Y.encodeStateAsUpdate(ghost))
    const orphan = Y.diffUpdate(
      change(orphanWriter, () => orphanWriter.getText('g').insert(1, 'y')),
      Y.encodeStateVector(ghost),
    )
    room.handleClientUpdate(a, orphan)
    await settle()
    expect(room.doc.store.pendingStructs).not.toBeNull()
    const [bold1, bold2] = [2, 3].map((id) => {
      const doc = docOf(id)
      Y.applyUpdate(doc, typed)
      return change(doc, () => line(doc).format(0, 3, { bold: true }))
    })
    room.handleClientUpdate(b, bold1!)
    await settle()
    room.handleClientUpdate(c, bold2!)
    await settle()
    const seen = docOf(50)
    for (const message of reader.messages('sync-update')) {
      if (message.type === 'sync-update') Y.applyUpdate(seen, message.update)
    }
    expect(line(seen).toDelta()).toEqual(line(room.doc).toDelta())
    expect(line(seen).toDelta()).toEqual([{ insert: 'abc', attributes: { bold: true } }])
  })

  it('sends and stores the formatting cleanup Yjs makes in the room’s document itself', async () => {
    const { room, store } = await openRoom()
    // Defined as text before anything arrives, as the editor's nested text types always are: Yjs
    // cleans up formatting only in text types.
    room.doc.getText('t')
    const alice = new RecordingPeer({ userId: 'alice', role: 'editor' })
    const bob = new RecordingPeer({ userId: 'bob', role: 'editor' })
    const reader = new RecordingPeer({ userId: 'reader', role: 'editor' })
    for (const peer of [alice, bob, reader]) room.attach(peer)
    const base = new Y.Doc()
    base.clientID = 1
    base.getText('t').insert(0, 'abcd')
    const start = Y.encodeStateAsUpdate(base)
    room.handleClientUpdate(alice, start)
    await turn()
    await turn()
    // Alice and Bob bold the same two letters at once: applying the second, the room's Yjs deletes
    // the marks that became redundant, a change neither sent.
    const bolds = [2, 3].map((clientID) => {
      const doc = new Y.Doc()
      doc.clientID = clientID
      Y.applyUpdate(doc, start)
      let update: Uint8Array | undefined
      doc.once('update', (u: Uint8Array) => {
        update = u
      })
      doc.getText('t').format(0, 2, { bold: true })
      return update!
    })
    room.handleClientUpdate(alice, bolds[0]!)
    room.handleClientUpdate(bob, bolds[1]!)
    await turn()
    await turn()
    await turn()
    const roomSnapshot = Y.snapshot(room.doc)
    const seenByReader = new Y.Doc()
    for (const message of reader.messages('sync-update')) {
      if (message.type === 'sync-update') Y.applyUpdate(seenByReader, message.update)
    }
    expect(
      Y.equalSnapshots(Y.snapshot(seenByReader), roomSnapshot),
      'the reader holds exactly what the room holds, deletions included',
    ).toBe(true)
    const stored = await store.load('room')
    const reloaded = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(reloaded, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(reloaded, update)
    expect(Y.equalSnapshots(Y.snapshot(reloaded), roomSnapshot), 'the store holds it too').toBe(true)
  })

  it('joiners with nothing share one full-state frame until the document changes', async () => {
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    room.attach(writer)
    const type = typist(1)
    room.handleClientUpdate(writer, type('hello'))
    await settle()
    const first = joinWithNothing(room)
    expect(first).toHaveLength(1)
    expect(joinWithNothing(room)[0], 'the same bytes, encoded once').toBe(first[0])
    room.handleClientUpdate(writer, type(' world'))
    await settle()
    expect(readJoin(joinWithNothing(room))).toBe('hello world')
  })

  it('a joiner with nothing gets the shared frame of a full state and one shared frame of the changes since', async () => {
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    room.attach(writer)
    const type = typist(1)
    const text = 'lorem ipsum '.repeat(500)
    room.handleClientUpdate(writer, type(text))
    await settle()
    const [base] = joinWithNothing(room)
    room.handleClientUpdate(writer, type('!'))
    await settle()
    const second = joinWithNothing(room)
    expect(second, 'the full state is not encoded again for a small change').toHaveLength(2)
    expect(second[0]).toBe(base)
    expect(readMessage(second[1]!).type).toBe('sync-update')
    expect(readJoin(second)).toBe(`${text}!`)
    const third = joinWithNothing(room)
    expect(third[0]).toBe(base)
    expect(third[1], 'the changes since are encoded once per change').toBe(second[1])
  })

  it('sends a joiner none of the text deleted before it joined (attacker review: the base kept it)', async () => {
    const carries = (frames: readonly Uint8Array[]) =>
      frames.some((frame) => Buffer.from(frame).includes('SECRET'))
    const doc = new Y.Doc()
    doc.clientID = 1
    const text = doc.getText('t')
    const updateOf = (change: () => void) => {
      let update: Uint8Array | undefined
      doc.once('update', (u: Uint8Array) => {
        update = u
      })
      change()
      return update!
    }
    // The first sync holds a secret, deleted afterwards; then a large paste, a join (a new base
    // with the paste), and the paste deleted.
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    room.attach(writer)
    for (const change of [
      () => text.insert(0, `${'x'.repeat(2000)}SECRET-1`),
      () => text.delete(2000, 8),
      () => text.insert(2000, 'SECRET-2 '.repeat(100)),
    ]) {
      room.handleClientUpdate(writer, updateOf(change))
      await settle()
    }
    joinWithNothing(room)
    room.handleClientUpdate(
      writer,
      updateOf(() => text.delete(2000, text.length - 2000)),
    )
    await settle()
    expect(carries(joinWithNothing(room))).toBe(false)
    expect(readJoin(joinWithNothing(room))).toBe('x'.repeat(2000))

    // A first sync that deletes what it brings (typed and deleted offline): not served as sent.
    // (Merged, as a client's offline queue is: the bytes keep the deleted item's text.)
    const offline = new Y.Doc()
    const draft: Uint8Array[] = []
    offline.on('update', (u: Uint8Array) => draft.push(u))
    offline.getText('t').insert(0, 'kept SECRET-3')
    offline.getText('t').delete(5, 8)
    const second = await openRoom()
    second.room.attach(writer)
    second.room.handleClientUpdate(writer, Y.mergeUpdates(draft))
    await settle()
    expect(carries(joinWithNothing(second.room))).toBe(false)

    // A snapshot followed by log rows that delete what it holds: the stored bytes are not the base.
    const store = new FailingStore()
    const stored = new Y.Doc()
    const storedText = stored.getText('t')
    // Large enough that the changes since stay under a quarter of it (else it is encoded afresh anyway).
    storedText.insert(0, `${'x'.repeat(2000)}kept SECRET-4`)
    await store.append([{ room: 'room', update: Y.encodeStateAsUpdate(stored) }])
    await store.compact('room')
    const before = Y.encodeStateVector(stored)
    storedText.delete(2005, 8)
    await store.append([{ room: 'room', update: Y.encodeStateAsUpdate(stored, before) }])
    const third = await openRoom(store)
    expect(carries(joinWithNothing(third.room))).toBe(false)
    expect(readJoin(joinWithNothing(third.room))).toBe(`${'x'.repeat(2000)}kept `)
  })

  it('encodes the full state afresh once the changes since outgrow a quarter of it, deletions included', async () => {
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    room.attach(writer)
    const doc = new Y.Doc()
    doc.clientID = 1
    const send = async (change: () => void) => {
      let update: Uint8Array | undefined
      doc.once('update', (u: Uint8Array) => {
        update = u
      })
      change()
      room.handleClientUpdate(writer, update!)
      await settle()
    }
    const text = doc.getText('t')
    await send(() => text.insert(0, 'a'.repeat(400)))
    const [base] = joinWithNothing(room)
    await send(() => text.delete(0, 100))
    expect(readJoin(joinWithNothing(room))).toBe(text.toString())
    await send(() => text.insert(0, 'b'.repeat(200)))
    const fresh = joinWithNothing(room)
    expect(fresh).toHaveLength(1)
    expect(fresh[0]).not.toBe(base)
    expect(readJoin(fresh)).toBe(text.toString())
  })

  it('joiners share one step 1 until the document changes; after a change it names the new state', async () => {
    const { room } = await openRoom()
    const writer = new RecordingPeer({ userId: 'w', role: 'editor' })
    room.attach(writer)
    const step1Of = () => {
      const peer = new RecordingPeer({ userId: 'j', role: 'editor' })
      room.attach(peer)
      return peer.frames[0]!
    }
    const first = step1Of()
    expect(step1Of()).toBe(first)
    room.handleClientUpdate(writer, typist(1)('hello'))
    await settle()
    const after = readMessage(step1Of())
    if (after.type !== 'sync-step1') throw new Error(`expected a step 1, got ${after.type}`)
    expect(after.stateVector).toEqual(Y.encodeStateVector(room.doc))
  })

  it('a room loaded from a snapshot gives joiners the stored bytes, and the log since as one update', async () => {
    const store = new FailingStore()
    const type = typist(1)
    await store.append([{ room: 'room', update: type('stored '.repeat(200)) }])
    await store.compact('room')
    const { snapshot } = await store.load('room')
    await store.append([{ room: 'room', update: type('and logged') }])
    const { room } = await openRoom(store)
    const frames = joinWithNothing(room)
    expect(frames).toHaveLength(2)
    const step2 = readMessage(frames[0]!)
    if (step2.type !== 'sync-step2') throw new Error(`expected a step 2, got ${step2.type}`)
    expect(step2.update).toEqual(snapshot)
    expect(readJoin(frames)).toBe(`${'stored '.repeat(200)}and logged`)
  })
})

/** Lets a commit batch be stored and applied. */
async function settle(): Promise<void> {
  await turn()
  await turn()
}

/** The frames a joiner with an empty document is sent in answer to its step 1. */
function joinWithNothing(room: Room): Uint8Array[] {
  const peer = new RecordingPeer({ userId: 'j', role: 'editor' })
  room.attach(peer)
  const before = peer.frames.length
  room.handleSyncStep1(peer, Y.encodeStateVector(new Y.Doc()))
  return peer.frames.slice(before)
}

/** The text a joiner holds after applying `frames` (a step 2, then any updates) to an empty document. */
function readJoin(frames: readonly Uint8Array[]): string {
  const doc = new Y.Doc()
  frames.forEach((frame, i) => {
    const message = readMessage(frame)
    const expected = i === 0 ? 'sync-step2' : 'sync-update'
    if (message.type !== expected) throw new Error(`frame ${i}: expected ${expected}, got ${message.type}`)
    Y.applyUpdate(doc, message.update)
  })
  expect(doc.store.pendingStructs, 'nothing left waiting').toBeNull()
  return doc.getText('t').toString()
}
