/**
 * The contract every DocumentStore implementation passes; each adapter's test file calls
 * runDocumentStoreContract. Test names cite these rules:
 *
 * S1  Appended updates load back byte for byte, in append order, per room.
 * S2  An append is all-or-nothing: a batch with one malformed entry rejects and stores nothing.
 * S3  A room never written loads as empty (no snapshot, no updates) with log size 0.
 * S4  The store keeps its own copy: changing a buffer after append does not change what loads.
 * S5  logSize counts the rows and bytes appended since the last compaction.
 * S6  Compaction keeps every update: the loaded document is the same before and after; the log empties.
 * S7  Compaction keeps updates appended while it runs; a later compaction folds them in.
 * S8  Compaction keeps updates whose causal predecessors are not stored; they apply once those arrive.
 * S9  Compacting a room whose log is empty changes nothing.
 * S10 A room whose stored data is damaged fails to load with StorageError 'corrupt'; the data stays as
 *     it was (no compaction folds it away) and other rooms load normally.   [stores that can be damaged]
 * S11 What an append resolved is still there after the store is closed and reopened. [durable stores]
 * D1  A created document reads back as created; an unknown id reads as null.
 * D2  Creating a document whose id exists rejects with StorageError 'conflict' and keeps the first.
 * K1  A share key is found by its document and hash, revoked or not; any other pair finds nothing.
 * K2  Revoking sets revokedAt once and returns true; an unknown key or another document's key gives false.
 * K3  Adding a key whose id, or whose document and hash, already exist rejects with 'conflict'.
 * K4  A share key is found by its document and id, revoked or not; another document's key is not.
 * K5  A key's creator name (or null) and creation time read back as stored, by every lookup.
 * K6  Listing a document's keys gives all of them, revoked or not, oldest first (ties by key id),
 *     and no key of another document; a document without keys lists none.
 * U1  A stored upload reads back byte for byte with its type, size and time; an unknown hash, or the
 *     same hash under another document, reads as null. The store keeps its own copy of the bytes.
 * U2  Storing the same hash again for a document gives 'exists' and changes nothing; another
 *     document storing the same bytes gets its own copy ('stored').
 * U3  An upload that would take the document past its quota's count or bytes gives 'over-quota' and
 *     stores nothing; other documents are not affected.
 * U4  Listing a document's uploads gives them without bytes, oldest first (ties by hash); a document
 *     without uploads lists none.
 * U5  Uploads that the store resolved survive close and reopen.   [durable stores]
 * L1  Listing gives live documents ordered by id after the cursor, at most `limit`, with their stored
 *     bytes (snapshot plus log) and last recorded edit time (which only moves forward).
 * L2  Deleting a document hides it from listing and lookups, clears its title, revokes its keys,
 *     empties its room and its comments room (`<id>/comments`) and deletes its uploads and
 *     versions (the comments room's too); deleting it again, or an unknown id, gives false. Other documents stay.
 * W*  The webhook outbox: see outboxContract.ts.
 * V*  Versions (history): see versionContract.ts.
 * C1  After close, isHealthy() is false and every operation rejects with StorageError 'unavailable';
 *     closing twice is fine.
 */
import { commentsRoomName } from '@tandem/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type {
  DocumentStore,
  ShareKeyRecord,
  StoredDocument,
  StoredUpload,
  UploadQuota,
} from './DocumentStore'
import { defineOutboxContract } from './outboxContract'
import { StorageError, type StorageErrorKind } from './StorageError'
import { defineVersionContract, version } from './versionContract'

/** One store under test, plus the optional powers that only some adapters have. */
export interface StoreHarness {
  readonly store: DocumentStore
  /** Closes every store the harness opened and removes what they left behind. */
  cleanup(): Promise<void>
  /** Durable stores: closes `store` and opens a new store on the same data (enables S11). */
  reopen?(): Promise<DocumentStore>
  /** Flips bytes of the room's newest stored update, bypassing the store (enables S10). */
  corruptNewestUpdate?(room: string): Promise<void>
}

/** Real Yjs updates, one per typed chunk, from a doc with a fixed client id. */
export function typingUpdates(chunks: readonly string[], clientID = 1): Uint8Array[] {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const text = doc.getText('t')
  for (const chunk of chunks) text.insert(text.length, chunk)
  doc.destroy()
  return updates
}

/** The document a room's stored state describes. */
export function docFrom(stored: StoredDocument): Y.Doc {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

export async function expectStorageError(promise: Promise<unknown>, kind: StorageErrorKind): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  )
  expect(error).toBeInstanceOf(StorageError)
  expect((error as StorageError).kind).toBe(kind)
}

function textOf(stored: StoredDocument): string {
  return docFrom(stored).getText('t').toString()
}

function shareKey(overrides: Partial<ShareKeyRecord> = {}): ShareKeyRecord {
  return {
    keyId: 'k1',
    documentId: 'doc1',
    role: 'editor',
    keyHash: 'a'.repeat(64),
    createdAt: 1_700_000_000_000,
    revokedAt: null,
    createdBy: null,
    ...overrides,
  }
}

/** An upload record for tests; `fill` makes distinct bytes (and so a distinct hash stand-in). */
export function upload(fill: number, overrides: Partial<StoredUpload> = {}): StoredUpload {
  const data = new Uint8Array(10 + fill).fill(fill)
  return {
    documentId: 'doc1',
    hash: fill.toString(16).padStart(2, '0').repeat(32),
    type: 'image/png',
    bytes: data.byteLength,
    createdAt: 1_000 + fill,
    data,
    ...overrides,
  }
}

const ROOMY: UploadQuota = { maxCount: 100, maxBytes: 1_000_000 }

export function runDocumentStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let harness: StoreHarness
    let store: DocumentStore

    beforeEach(async () => {
      harness = await makeStore()
      store = harness.store
    })
    afterEach(async () => {
      await harness.cleanup()
    })

    it('S1 appended updates load back byte for byte, in append order, per room', async () => {
      const a = typingUpdates(['hel', 'lo'], 1)
      const b = typingUpdates(['wor', 'ld'], 2)
      await store.append([
        { room: 'a', update: a[0]! },
        { room: 'b', update: b[0]! },
      ])
      await store.append([
        { room: 'b', update: b[1]! },
        { room: 'a', update: a[1]! },
      ])
      expect(await store.load('a')).toEqual({ snapshot: null, updates: a })
      expect(await store.load('b')).toEqual({ snapshot: null, updates: b })
      expect(textOf(await store.load('a'))).toBe('hello')
    })

    it('S2 an append is all-or-nothing: one malformed entry rejects the batch and stores nothing', async () => {
      const [update] = typingUpdates(['x'])
      const batch = [
        { room: 'a', update: update! },
        { room: 'b', update: null as unknown as Uint8Array },
      ]
      await expect(store.append(batch)).rejects.toThrow(TypeError)
      expect((await store.load('a')).updates).toEqual([])
      expect(await store.logSize('a')).toEqual({ rows: 0, bytes: 0 })
    })

    it('S3 a room never written loads as empty with log size 0', async () => {
      expect(await store.load('nobody')).toEqual({ snapshot: null, updates: [] })
      expect(await store.logSize('nobody')).toEqual({ rows: 0, bytes: 0 })
      await store.compact('nobody')
      expect(await store.load('nobody')).toEqual({ snapshot: null, updates: [] })
    })

    it('S4 the store keeps its own copy of appended bytes', async () => {
      const [update] = typingUpdates(['abc'])
      const original = update!.slice()
      await store.append([{ room: 'a', update: update! }])
      update!.fill(0)
      expect((await store.load('a')).updates).toEqual([original])
    })

    it('S5 logSize counts rows and bytes since the last compaction', async () => {
      const updates = typingUpdates(['a', 'bb', 'ccc'])
      await store.append(updates.map((update) => ({ room: 'a', update })))
      await store.append([{ room: 'other', update: typingUpdates(['zz'], 7)[0]! }])
      const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0)
      expect(await store.logSize('a')).toEqual({ rows: 3, bytes })
      await store.compact('a')
      expect(await store.logSize('a')).toEqual({ rows: 0, bytes: 0 })
      expect((await store.logSize('other')).rows).toBe(1)
    })

    it('S6 compaction keeps every update and empties the log', async () => {
      const updates = [...typingUpdates(['one ', 'two '], 1), ...typingUpdates(['three'], 2)]
      await store.append(updates.map((update) => ({ room: 'a', update })))
      const before = docFrom(await store.load('a'))
      await store.compact('a')
      const stored = await store.load('a')
      expect(stored.snapshot).not.toBeNull()
      expect(stored.updates).toEqual([])
      const after = docFrom(stored)
      expect(after.getText('t').toString()).toBe(before.getText('t').toString())
      expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(before))
    })

    it('S7 compaction keeps updates appended while it runs, and a later compaction folds them in', async () => {
      const updates = typingUpdates(['early ', 'late'])
      await store.append([{ room: 'a', update: updates[0]! }])
      await Promise.all([store.compact('a'), store.append([{ room: 'a', update: updates[1]! }])])
      expect(textOf(await store.load('a'))).toBe('early late')
      await store.compact('a')
      const stored = await store.load('a')
      expect(stored.updates).toEqual([])
      expect(textOf(stored)).toBe('early late')
    })

    it('S8 compaction keeps updates whose predecessors are missing', async () => {
      const updates = typingUpdates(['a', 'b', 'c'])
      await store.append([updates[0]!, updates[2]!].map((update) => ({ room: 'r', update })))
      await store.compact('r')
      expect(textOf(await store.load('r'))).toBe('a')
      await store.append([{ room: 'r', update: updates[1]! }])
      expect(textOf(await store.load('r'))).toBe('abc')
    })

    it('S9 compacting a room whose log is empty changes nothing', async () => {
      await store.append(typingUpdates(['x', 'y']).map((update) => ({ room: 'a', update })))
      await store.compact('a')
      const once = await store.load('a')
      await store.compact('a')
      expect(await store.load('a')).toEqual(once)
    })

    it('S10 a damaged room fails to load as corrupt, stays as it was, and other rooms still load', async (context) => {
      if (!harness.corruptNewestUpdate) return context.skip()
      await store.append(typingUpdates(['a', 'b', 'c']).map((update) => ({ room: 'bad', update })))
      await store.append([{ room: 'good', update: typingUpdates(['fine'])[0]! }])
      await harness.corruptNewestUpdate('bad')
      await expectStorageError(store.load('bad'), 'corrupt')
      await expectStorageError(store.compact('bad'), 'corrupt')
      expect((await store.logSize('bad')).rows).toBe(3)
      await expectStorageError(store.load('bad'), 'corrupt')
      expect(textOf(await store.load('good'))).toBe('fine')
      expect(store.isHealthy()).toBe(true)
    })

    it('S11 what an append resolved survives close and reopen', async (context) => {
      if (!harness.reopen) return context.skip()
      const updates = typingUpdates(['kept ', 'across ', 'restarts', ' and more'])
      await store.append(updates.slice(0, 3).map((update) => ({ room: 'a', update })))
      await store.compact('a')
      await store.append([{ room: 'a', update: updates[3]! }])
      await store.createDocument({ id: 'doc1', title: 'T', createdAt: 1, deletedAt: null })
      await store.addShareKey(shareKey())
      store = await harness.reopen()
      expect(textOf(await store.load('a'))).toBe('kept across restarts and more')
      expect((await store.logSize('a')).rows).toBe(1)
      expect(await store.getDocument('doc1')).not.toBeNull()
      expect(await store.findShareKey('doc1', shareKey().keyHash)).toEqual(shareKey())
    })

    it('D1 a created document reads back as created; an unknown id reads as null', async () => {
      const record = { id: 'doc1', title: 'Plan', createdAt: 1_700_000_000_000, deletedAt: null }
      await store.createDocument(record)
      await store.createDocument({ id: 'doc2', title: '', createdAt: 5, deletedAt: 6 })
      expect(await store.getDocument('doc1')).toEqual(record)
      expect(await store.getDocument('doc2')).toEqual({ id: 'doc2', title: '', createdAt: 5, deletedAt: 6 })
      expect(await store.getDocument('nope')).toBeNull()
    })

    it('D2 creating a document whose id exists rejects with conflict and keeps the first', async () => {
      const record = { id: 'doc1', title: 'First', createdAt: 1, deletedAt: null }
      await store.createDocument(record)
      await expectStorageError(store.createDocument({ ...record, title: 'Second' }), 'conflict')
      expect(await store.getDocument('doc1')).toEqual(record)
      expect(store.isHealthy()).toBe(true)
    })

    it('K1 a share key is found by its document and hash, revoked or not; other pairs find nothing', async () => {
      const key = shareKey()
      await store.addShareKey(key)
      await store.addShareKey(shareKey({ keyId: 'k2', role: 'viewer', keyHash: 'b'.repeat(64) }))
      expect(await store.findShareKey('doc1', key.keyHash)).toEqual(key)
      expect((await store.findShareKey('doc1', 'b'.repeat(64)))?.role).toBe('viewer')
      expect(await store.findShareKey('doc2', key.keyHash)).toBeNull()
      expect(await store.findShareKey('doc1', 'c'.repeat(64))).toBeNull()
      await store.revokeShareKey('doc1', 'k1')
      expect((await store.findShareKey('doc1', key.keyHash))?.revokedAt).toEqual(expect.any(Number))
    })

    it('K4 a share key is found by its document and id, revoked or not; a key of another document is not', async () => {
      const key = shareKey()
      await store.addShareKey(key)
      expect(await store.getShareKey('doc1', 'k1')).toEqual(key)
      expect(await store.getShareKey('doc2', 'k1')).toBeNull()
      expect(await store.getShareKey('doc1', 'k2')).toBeNull()
      await store.revokeShareKey('doc1', 'k1')
      expect((await store.getShareKey('doc1', 'k1'))?.revokedAt).toEqual(expect.any(Number))
    })

    it('K2 revoking sets revokedAt once and returns true; unknown or foreign keys give false', async () => {
      await store.addShareKey(shareKey())
      const startedAt = Date.now()
      expect(await store.revokeShareKey('doc1', 'k1')).toBe(true)
      const revokedAt = (await store.findShareKey('doc1', shareKey().keyHash))?.revokedAt
      expect(revokedAt).toBeGreaterThanOrEqual(startedAt)
      expect(await store.revokeShareKey('doc1', 'k1')).toBe(true)
      expect((await store.findShareKey('doc1', shareKey().keyHash))?.revokedAt).toBe(revokedAt)
      expect(await store.revokeShareKey('doc1', 'unknown')).toBe(false)
      expect(await store.revokeShareKey('doc2', 'k1')).toBe(false)
    })

    it('K3 adding a key whose id, or whose document and hash, exist rejects with conflict', async () => {
      await store.addShareKey(shareKey())
      await expectStorageError(store.addShareKey(shareKey({ keyHash: 'd'.repeat(64) })), 'conflict')
      await expectStorageError(store.addShareKey(shareKey({ keyId: 'k9' })), 'conflict')
      expect(await store.findShareKey('doc1', 'd'.repeat(64))).toBeNull()
      await store.addShareKey(shareKey({ keyId: 'k9', documentId: 'doc2' }))
      expect(store.isHealthy()).toBe(true)
    })

    it('K5 the creator name and creation time read back as stored, by every lookup', async () => {
      const named = shareKey({ createdBy: 'Ann Lee · Ops', createdAt: 1_700_000_123_456 })
      await store.addShareKey(named)
      await store.addShareKey(shareKey({ keyId: 'k2', keyHash: 'b'.repeat(64) }))
      expect(await store.findShareKey('doc1', named.keyHash)).toEqual(named)
      expect(await store.getShareKey('doc1', 'k1')).toEqual(named)
      expect((await store.getShareKey('doc1', 'k2'))?.createdBy).toBeNull()
      expect(await store.listShareKeys('doc1')).toContainEqual(named)
    })

    it('K6 listing gives every key of the document, revoked or not, oldest first, ties by key id', async () => {
      expect(await store.listShareKeys('doc1')).toEqual([])
      const later = shareKey({ keyId: 'a-late', keyHash: 'b'.repeat(64), createdAt: 2_000, role: 'viewer' })
      const tieB = shareKey({ keyId: 'k-b', keyHash: 'c'.repeat(64), createdAt: 1_000 })
      const tieA = shareKey({ keyId: 'k-a', keyHash: 'd'.repeat(64), createdAt: 1_000, createdBy: 'Ben' })
      for (const key of [later, tieB, tieA]) await store.addShareKey(key)
      await store.addShareKey(shareKey({ keyId: 'other', documentId: 'doc2' }))
      await store.revokeShareKey('doc1', 'k-b')
      const listed = await store.listShareKeys('doc1')
      expect(listed.map((key) => key.keyId)).toEqual(['k-a', 'k-b', 'a-late'])
      expect(listed[0]).toEqual(tieA)
      expect(listed[1]?.revokedAt).toEqual(expect.any(Number))
      expect(await store.listShareKeys('doc3')).toEqual([])
    })

    it('U1 an upload reads back byte for byte; unknown hashes and other documents read null; the store keeps a copy', async () => {
      const first = upload(1)
      expect(await store.putUpload(first, ROOMY)).toBe('stored')
      const expected = { ...first, data: first.data.slice() }
      first.data.fill(0xff)
      const read = await store.getUpload('doc1', first.hash)
      expect(read && { ...read, data: Array.from(read.data) }).toEqual({
        ...expected,
        data: Array.from(expected.data),
      })
      expect(await store.getUpload('doc1', upload(2).hash)).toBeNull()
      expect(await store.getUpload('doc2', first.hash)).toBeNull()
    })

    it('U2 the same hash again is "exists" and changes nothing; another document gets its own copy', async () => {
      expect(await store.putUpload(upload(1), ROOMY)).toBe('stored')
      expect(await store.putUpload(upload(1, { createdAt: 9_999, type: 'image/gif' }), ROOMY)).toBe('exists')
      expect((await store.getUpload('doc1', upload(1).hash))?.type).toBe('image/png')
      expect(await store.listUploads('doc1')).toHaveLength(1)
      expect(await store.putUpload(upload(1, { documentId: 'doc2' }), ROOMY)).toBe('stored')
      expect((await store.getUpload('doc2', upload(1).hash))?.documentId).toBe('doc2')
    })

    it('U3 past the quota count or bytes is "over-quota" and stores nothing; other documents are unaffected', async () => {
      const quota: UploadQuota = {
        maxCount: 2,
        maxBytes: upload(1).bytes + upload(2).bytes + upload(3).bytes,
      }
      expect(await store.putUpload(upload(1), quota)).toBe('stored')
      expect(await store.putUpload(upload(2), quota)).toBe('stored')
      expect(await store.putUpload(upload(3), quota)).toBe('over-quota')
      expect(await store.getUpload('doc1', upload(3).hash)).toBeNull()
      const byBytes: UploadQuota = { maxCount: 10, maxBytes: upload(1).bytes + upload(2).bytes }
      expect(await store.putUpload(upload(3), byBytes)).toBe('over-quota')
      expect((await store.listUploads('doc1')).map((item) => item.hash)).toEqual([
        upload(1).hash,
        upload(2).hash,
      ])
      expect(await store.putUpload(upload(3, { documentId: 'doc2' }), quota)).toBe('stored')
    })

    it("U4 listing gives a document's uploads without bytes, oldest first, ties by hash", async () => {
      expect(await store.listUploads('doc1')).toEqual([])
      await store.putUpload(upload(5, { createdAt: 3_000 }), ROOMY)
      await store.putUpload(upload(7, { createdAt: 2_000 }), ROOMY)
      await store.putUpload(upload(6, { createdAt: 2_000 }), ROOMY)
      await store.putUpload(upload(8, { documentId: 'doc2' }), ROOMY)
      const listed = await store.listUploads('doc1')
      expect(listed.map((item) => item.hash)).toEqual([upload(6).hash, upload(7).hash, upload(5).hash])
      const { data: _data, ...record } = upload(6, { createdAt: 2_000 })
      expect(listed[0]).toEqual(record)
    })

    it('U5 uploads survive close and reopen', async (context) => {
      if (!harness.reopen) return context.skip()
      await store.putUpload(upload(4), ROOMY)
      store = await harness.reopen()
      expect(Array.from((await store.getUpload('doc1', upload(4).hash))?.data ?? [])).toEqual(
        Array.from(upload(4).data),
      )
    })
    it('L1 listing pages live documents by id with their size and last edit time', async () => {
      for (const id of ['doc-c', 'doc-a', 'doc-b']) {
        await store.createDocument({ id, title: `T ${id}`, createdAt: 1_000, deletedAt: null })
      }
      const updates = typingUpdates(['hello', ' world'])
      await store.append(updates.map((update) => ({ room: 'doc-b', update })))
      await store.compact('doc-b')
      const [more] = typingUpdates(['!'], 2)
      await store.append([{ room: 'doc-b', update: more! }])
      await store.markDocumentsChanged([
        { id: 'doc-b', at: 5_000 },
        { id: 'no-such-doc', at: 5_000 },
      ])
      await store.markDocumentsChanged([{ id: 'doc-b', at: 4_000 }])
      const first = await store.listDocuments('', 2)
      expect(first.map((document) => document.id)).toEqual(['doc-a', 'doc-b'])
      expect(first[0]).toEqual({
        id: 'doc-a',
        title: 'T doc-a',
        createdAt: 1_000,
        changedAt: null,
        sizeBytes: 0,
      })
      const stored = await store.load('doc-b')
      const bytes = (stored.snapshot?.byteLength ?? 0) + more!.byteLength
      expect(first[1]).toMatchObject({ changedAt: 5_000, sizeBytes: bytes })
      expect((await store.listDocuments('doc-b', 2)).map((document) => document.id)).toEqual(['doc-c'])
      expect(await store.listDocuments('doc-c', 2)).toEqual([])
    })

    it('L3 of claims to announce a document, one per spacing wins; the others learn when to ask again', async () => {
      await store.createDocument({ id: 'doc', title: 't', createdAt: 0, deletedAt: null })
      const spacing = 10_000
      // Claims at once (as nodes sharing the store would): exactly one is granted.
      const answers = await Promise.all(
        [1, 2, 3].map(() => store.claimChangeAnnouncement('doc', 50_000, spacing)),
      )
      expect(answers.filter((answer) => answer === null)).toHaveLength(1)
      expect(answers.filter((answer) => answer !== null)).toEqual([60_000, 60_000])
      expect(await store.claimChangeAnnouncement('doc', 59_999, spacing)).toBe(60_000)
      expect(await store.claimChangeAnnouncement('doc', 60_000, spacing)).toBeNull()
      expect(await store.claimChangeAnnouncement('doc', 60_001, spacing)).toBe(70_000)
      // Rooms outside the catalog cannot be coordinated: always granted.
      expect(await store.claimChangeAnnouncement('no-such-doc', 50_000, spacing)).toBeNull()
      expect(await store.claimChangeAnnouncement('no-such-doc', 50_000, spacing)).toBeNull()
    })

    it('L2 deleting hides the document, clears its title, revokes its keys, empties its room and its comments room and drops its images and versions', async () => {
      for (const id of ['doc1', 'doc2']) {
        await store.createDocument({ id, title: 'Secret plans', createdAt: 1_000, deletedAt: null })
        await store.append(typingUpdates(['text']).map((update) => ({ room: id, update })))
        await store.append(
          typingUpdates(['a', 'b']).map((update) => ({ room: commentsRoomName(id), update })),
        )
        await store.compact(commentsRoomName(id))
        await store.append(typingUpdates(['c']).map((update) => ({ room: commentsRoomName(id), update })))
      }
      await store.addShareKey(shareKey())
      await store.addShareKey(shareKey({ keyId: 'k2', documentId: 'doc2', keyHash: 'b'.repeat(64) }))
      const image = upload(1)
      const kept = upload(2, { documentId: 'doc2' })
      for (const each of [image, kept]) expect(await store.putUpload(each, ROOMY)).toBe('stored')
      await store.addVersion(version('v1', 'old'), { maxCount: 10, maxBytes: 1_000_000 })
      await store.addVersion(version('v2', 'old', { documentId: 'doc2' }), {
        maxCount: 10,
        maxBytes: 1_000_000,
      })
      await store.addVersion(version('v3', 'old', { documentId: commentsRoomName('doc1') }), {
        maxCount: 10,
        maxBytes: 1_000_000,
      })
      expect(await store.deleteDocument('doc1')).toBe(true)
      expect(await store.listVersions('doc1'), 'its versions go with it').toEqual([])
      expect(await store.listVersions(commentsRoomName('doc1')), 'its comments room’s too').toEqual([])
      expect(await store.load(commentsRoomName('doc1')), 'its comments go with it').toEqual({
        snapshot: null,
        updates: [],
      })
      expect((await store.load(commentsRoomName('doc2'))).updates.length).toBeGreaterThan(0)
      expect(await store.getVersion('doc2', 'v2')).not.toBeNull()
      expect(await store.getUpload('doc1', image.hash), 'its images go with it').toBeNull()
      expect(await store.listUploads('doc1')).toEqual([])
      expect(await store.getUpload('doc2', kept.hash)).not.toBeNull()
      const deleted = await store.getDocument('doc1')
      expect(deleted?.deletedAt).toEqual(expect.any(Number))
      expect(deleted?.title).toBe('')
      expect((await store.getShareKey('doc1', 'k1'))?.revokedAt).toEqual(expect.any(Number))
      expect(await store.load('doc1')).toEqual({ snapshot: null, updates: [] })
      expect((await store.listDocuments('', 10)).map((document) => document.id)).toEqual(['doc2'])
      expect(await store.deleteDocument('doc1')).toBe(false)
      expect(await store.deleteDocument('unknown')).toBe(false)
      expect((await store.getShareKey('doc2', 'k2'))?.revokedAt).toBeNull()
      expect(textOf(await store.load('doc2'))).toBe('text')
    })

    defineOutboxContract(() => store)
    defineVersionContract(
      () => store,
      () => {
        if (!harness.reopen) return undefined
        return harness.reopen().then((reopened) => {
          store = reopened
          return reopened
        })
      },
    )

    it('C1 after close, isHealthy is false and every operation rejects as unavailable', async () => {
      expect(store.isHealthy()).toBe(true)
      await store.close()
      await store.close()
      expect(store.isHealthy()).toBe(false)
      const [update] = typingUpdates(['x'])
      await expectStorageError(store.append([{ room: 'a', update: update! }]), 'unavailable')
      await expectStorageError(store.load('a'), 'unavailable')
      await expectStorageError(store.compact('a'), 'unavailable')
      await expectStorageError(store.logSize('a'), 'unavailable')
      await expectStorageError(store.getDocument('doc1'), 'unavailable')
      await expectStorageError(
        store.createDocument({ id: 'd', title: '', createdAt: 1, deletedAt: null }),
        'unavailable',
      )
      await expectStorageError(store.addShareKey(shareKey()), 'unavailable')
      await expectStorageError(store.findShareKey('doc1', 'x'), 'unavailable')
      await expectStorageError(store.revokeShareKey('doc1', 'k1'), 'unavailable')
      await expectStorageError(store.getShareKey('doc1', 'k1'), 'unavailable')
      await expectStorageError(store.listShareKeys('doc1'), 'unavailable')
      await expectStorageError(store.putUpload(upload(1), ROOMY), 'unavailable')
      await expectStorageError(store.getUpload('doc1', upload(1).hash), 'unavailable')
      await expectStorageError(store.listUploads('doc1'), 'unavailable')
      await expectStorageError(store.listDocuments('', 10), 'unavailable')
      await expectStorageError(store.deleteDocument('doc1'), 'unavailable')
      await expectStorageError(store.claimDeliveries({ now: 0, limit: 1, leaseMs: 1 }), 'unavailable')
      await expectStorageError(store.listVersions('doc1'), 'unavailable')
      await expectStorageError(store.getVersion('doc1', 'v1'), 'unavailable')
    })
  })
}
