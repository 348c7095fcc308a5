/** The registry without sockets: the in-memory store, the real commit queue, peers that record. */
import type { CloseCode, MessageKind } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { testRoomContext } from '../../test/helpers/roomContext'
import type { StoredDocument } from '../persistence/DocumentStore'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { StorageError } from '../persistence/StorageError'
import type { Peer } from './Peer'
import { RoomRegistry } from './RoomRegistry'

class CountingStore extends MemoryStore {
  loads = 0
  compactions = 0
  failLoads = 0

  override async load(room: string): Promise<StoredDocument> {
    this.loads++
    if (this.failLoads > 0) {
      this.failLoads--
      throw new StorageError('unavailable', 'database down')
    }
    return super.load(room)
  }

  override async compact(room: string): Promise<void> {
    this.compactions++
    return super.compact(room)
  }
}

function peer(userId: string): Peer {
  return {
    identity: { userId, role: 'editor' },
    wantsSavedAcks: false,
    send(_frame: Uint8Array, _type: MessageKind) {},
    sendSyncStep2(_step2: Uint8Array, _since: Uint8Array | undefined) {},
    close(_code: CloseCode) {},
  }
}

function registry(store = new CountingStore()) {
  const { onEmpty: _, ...ctx } = testRoomContext(store)
  const rooms = new RoomRegistry(ctx)
  return { rooms, store }
}

function typed(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('RoomRegistry', () => {
  it('concurrent first joins share one load and one room', async () => {
    const { rooms, store } = registry()
    const [a, b, c] = await Promise.all([rooms.acquire('r'), rooms.acquire('r'), rooms.acquire('r')])
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(store.loads).toBe(1)
    expect(rooms.size).toBe(1)
  })

  it('releases a room when its last peer leaves: writes durable, compacted, then a fresh load', async () => {
    const { rooms, store } = registry()
    const room = await rooms.acquire('r')
    const alice = peer('alice')
    room.attach(alice)
    room.handleClientUpdate(alice, typed('kept'))
    room.detach(alice)
    // A joiner arriving while it closes waits, then gets a new room with the stored state.
    const again = await rooms.acquire('r')
    expect(again).not.toBe(room)
    expect(store.compactions).toBe(1)
    expect(store.loads).toBe(2)
    expect(again.doc.getText('t').toString()).toBe('kept')
    expect((await store.load('r')).snapshot, 'compacted on the way out').not.toBeNull()
  })

  it('a failed load rejects every waiting joiner and leaves nothing behind; the next acquire retries', async () => {
    const { rooms, store } = registry()
    store.failLoads = 1
    const joins = await Promise.allSettled([rooms.acquire('r'), rooms.acquire('r')])
    expect(joins.map((join) => join.status)).toEqual(['rejected', 'rejected'])
    expect(rooms.size).toBe(0)
    const room = await rooms.acquire('r')
    expect(room.name).toBe('r')
    expect(store.loads).toBe(2)
  })

  it('releaseIfIdle drops a room nobody joined; releaseAll (shutdown) drops them all, stored, uncompacted', async () => {
    const { rooms, store } = registry()
    const lonely = await rooms.acquire('lonely')
    rooms.releaseIfIdle(lonely)
    const busy = await rooms.acquire('busy')
    const writer = peer('p')
    busy.attach(writer)
    rooms.releaseIfIdle(busy)
    await until(() => rooms.openRooms.length === 1)
    expect(rooms.openRooms).toEqual([busy])
    busy.handleClientUpdate(writer, typed('last words'))
    // As the server's shutdown does: no more compaction, then every socket detached, then release.
    rooms.beginShutdown()
    busy.detach(writer)
    await rooms.releaseAll()
    expect(rooms.size).toBe(0)
    const stored = await store.load('busy')
    expect(stored.updates, 'the last update is durable').toHaveLength(1)
    expect(store.compactions, 'a restart does not wait for compaction').toBe(0)
  })

  it('use keeps a room loaded while its work runs, across a peer leaving, then releases it', async () => {
    const { rooms, store } = registry()
    const frames: MessageKind[] = []
    const watcher: Peer = {
      ...peer('watcher'),
      send: (_frame, type) => frames.push(type),
      sendSyncStep2: () => frames.push('sync-step2'),
    }
    let finish!: () => void
    const held = rooms.use('r', async (room) => {
      room.attach(watcher)
      await room.applyServerEdit({ userId: 'api', role: 'editor' }, typed('from the api'))
      room.detach(watcher)
      await new Promise<void>((resolve) => {
        finish = resolve
      })
      return room
    })
    await until(() => finish !== undefined)
    // The watcher left, but the work still holds the room: it is not unloaded under it.
    expect(rooms.openRooms).toHaveLength(1)
    expect(frames).toContain('sync-update')
    finish()
    const room = await held
    expect(room.doc.getText('t').toString()).toBe('from the api')
    await until(() => rooms.size === 0)
    expect((await store.load('r')).snapshot, 'stored, and compacted on release').not.toBeNull()
  })

  it('applyServerEdit rejects, applying nothing, when the store refuses the batch', async () => {
    const store = new CountingStore()
    store.append = async () => {
      throw new StorageError('unavailable', 'disk gone')
    }
    const { rooms } = registry(store)
    const outcome = rooms.use('r', (room) =>
      room.applyServerEdit({ userId: 'api', role: 'editor' }, typed('lost')).then(
        () => room.doc.getText('t').toString(),
        (error: unknown) => `${(error as Error).message}|${room.doc.getText('t').toString()}`,
      ),
    )
    expect(await outcome).toBe('disk gone|')
  })
})
