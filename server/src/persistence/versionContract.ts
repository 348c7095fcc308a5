/**
 * The versions' part of the DocumentStore contract (runDocumentStoreContract calls it, so every
 * adapter runs it). Test names cite these rules:
 *
 * V1  A stored version reads back with its state byte for byte and its record; an unknown id, or the
 *     same id under another document, reads as null. The store keeps its own copy of the state.
 * V2  Versions list newest first (ties by id descending), without state; a document without versions
 *     lists none.
 * V3  Naming a version sets its name and makes it named; an unknown version gives null.
 * V4  Retention (versionRetention.ts): named and automatic versions each have half of the count and
 *     byte bounds. Past their quota the oldest automatic versions go (never the floor, never named
 *     ones, never the one just added); a named version (added, or named from an automatic one) past
 *     the named quota gives 'over-quota' and changes nothing.
 * V5  Versions survive compaction of the room's log, and close and reopen.   [durable stores: reopen]
 * V6  Adding a version whose id the document already has rejects with 'conflict'.
 * V7  Adding a version of a document marked deleted stores nothing ('document-deleted'), checked with
 *     the insert, so a version taken while its document was deleted does not outlive it.
 * V8  Version claims are dated by the store's clock: a claim without `coveredWithinMs` is granted;
 *     with it, refused (with how long ago the claim that covers it was taken) when a claim was taken
 *     within the last `coveredWithinMs` ms, granted otherwise; one dated after the store's clock
 *     covers nothing. Of claims made at once with the same `coveredWithinMs`, exactly one is granted.
 *     Rooms without a document record can be claimed; deleting a document forgets its claim, and a
 *     claim of a deleted document is not stored.
 * V9  Authors added after a refused claim go to the version last claimed when it is stored (merged,
 *     no duplicates, bounded), else wait: they join that version when it is stored, or are handed
 *     to the next granted claim when it never is; nothing happens without a claim.
 * V10 A version stores its comments room's state beside its own, byte for byte (the store keeps a
 *     copy), listed as `commentsBytes` and counted by retention with `bytes`; a version without
 *     it reads `comments: null` and `commentsBytes: null` (not recorded), also after a reopen.
 */
import { MAX_VERSION_EDITORS } from '@tandem/shared'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore, StoredVersion, VersionRetention } from './DocumentStore'
import { StorageError } from './StorageError'

const ROOMY: VersionRetention = { maxCount: 100, maxBytes: 10_000_000 }
const MINUTE_MS = 60_000

/** A comments room's state: one map entry holding `text`. */
function commentsState(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('threads').set('t1', text)
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

/** A version of `doc1` whose state is a real Yjs state holding `text`. */
export function version(id: string, text: string, overrides: Partial<StoredVersion> = {}): StoredVersion {
  // A fixed client id: a random one is 1 to 5 bytes in the state, and the byte-bound checks size
  // their bound by one version's bytes (CI once stored one version where two fit).
  const doc = new Y.Doc()
  doc.clientID = 1
  doc.getText('t').insert(0, text)
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return {
    documentId: 'doc1',
    versionId: id,
    kind: 'auto',
    name: null,
    createdAt: 1_700_000_000_000,
    bytes: state.byteLength,
    editors: ['Ada'],
    clients: [[doc.clientID, 'Ada']],
    state,
    comments: null,
    commentsBytes: null,
    ...overrides,
    ...(overrides.comments ? { commentsBytes: overrides.comments.byteLength } : {}),
  }
}

export function defineVersionContract(
  getStore: () => DocumentStore,
  /** Durable stores: closes the store and opens a new one on the same data; undefined otherwise. */
  reopen: () => Promise<DocumentStore> | undefined,
): void {
  it('V1 a version reads back byte for byte; unknown ids and other documents read null; the store keeps a copy', async () => {
    const store = getStore()
    const stored = version('v1', 'hello')
    const original = stored.state.slice()
    expect(await store.addVersion(stored, ROOMY)).toBe('stored')
    stored.state.fill(0)
    const read = await store.getVersion('doc1', 'v1')
    expect(read).toEqual({ ...stored, state: original })
    expect(await store.getVersion('doc1', 'unknown')).toBeNull()
    expect(await store.getVersion('doc2', 'v1')).toBeNull()
  })

  it('V2 versions list newest first, ties by id descending, without state', async () => {
    const store = getStore()
    const now = Date.now()
    await store.addVersion(version('a', 'one', { createdAt: now - 2000 }), ROOMY)
    await store.addVersion(version('c', 'two', { createdAt: now - 1000 }), ROOMY)
    await store.addVersion(
      version('b', 'three', { createdAt: now - 1000, name: 'Sent', kind: 'named' }),
      ROOMY,
    )
    await store.addVersion(version('x', 'other', { documentId: 'doc2' }), ROOMY)
    const listed = await store.listVersions('doc1')
    expect(listed.map((v) => v.versionId)).toEqual(['c', 'b', 'a'])
    expect(listed[1]).toEqual({
      documentId: 'doc1',
      versionId: 'b',
      kind: 'named',
      name: 'Sent',
      createdAt: now - 1000,
      bytes: expect.any(Number),
      editors: ['Ada'],
      clients: [[expect.any(Number), 'Ada']],
      commentsBytes: null,
    })
    expect(listed[1]).not.toHaveProperty('state')
    expect(listed[1]).not.toHaveProperty('comments')
    expect(await store.listVersions('empty')).toEqual([])
  })

  it('V3 naming sets the name and makes the version named; an unknown version gives null', async () => {
    const store = getStore()
    await store.addVersion(version('v1', 'hello'), ROOMY)
    expect(await store.nameVersion('doc1', 'v1', 'Sent to legal', ROOMY)).toMatchObject({
      versionId: 'v1',
      kind: 'named',
      name: 'Sent to legal',
    })
    expect((await store.listVersions('doc1'))[0]).toMatchObject({ kind: 'named', name: 'Sent to legal' })
    expect(await store.nameVersion('doc1', 'v1', 'Renamed', ROOMY)).toMatchObject({ name: 'Renamed' })
    expect(await store.nameVersion('doc1', 'unknown', 'x', ROOMY)).toBeNull()
    expect(await store.nameVersion('doc2', 'v1', 'x', ROOMY)).toBeNull()
  })

  it('V4 retention: named and automatic versions have separate quotas; the oldest automatic go, named never', async () => {
    const store = getStore()
    const now = Date.now()
    // Half of each bound for named versions (3), half for automatic ones (3).
    const bound: VersionRetention = { maxCount: 6, maxBytes: 10_000_000 }
    await store.addVersion(version('n1', 'named', { createdAt: now - 5000, kind: 'named', name: 'N' }), bound)
    for (const [index, id] of ['a1', 'a2', 'a3', 'a4'].entries()) {
      expect(await store.addVersion(version(id, id, { createdAt: now - 4000 + index * 1000 }), bound)).toBe(
        'stored',
      )
    }
    // A fourth automatic one passes their quota: the oldest (a1) went, the named one stayed.
    expect((await store.listVersions('doc1')).map((v) => v.versionId)).toEqual(['a4', 'a3', 'a2', 'n1'])
    // Naming two fills the named quota; a fourth named one, added or renamed, is refused.
    expect(await store.nameVersion('doc1', 'a2', 'two', bound)).toMatchObject({ kind: 'named' })
    expect(await store.nameVersion('doc1', 'a3', 'three', bound)).toMatchObject({ kind: 'named' })
    expect(await store.addVersion(version('n4', 'x', { kind: 'named', name: 'four' }), bound)).toBe(
      'over-quota',
    )
    expect(await store.getVersion('doc1', 'n4')).toBeNull()
    expect(await store.nameVersion('doc1', 'a4', 'four', bound)).toBe('over-quota')
    // Named versions never push automatic ones out: three automatic ones fit beside three named.
    for (const id of ['a5', 'a6'])
      expect(await store.addVersion(version(id, id, { createdAt: now }), bound)).toBe('stored')
    expect((await store.listVersions('doc1')).map((v) => [v.versionId, v.kind]).sort()).toEqual([
      ['a2', 'named'],
      ['a3', 'named'],
      ['a4', 'auto'],
      ['a5', 'auto'],
      ['a6', 'auto'],
      ['n1', 'named'],
    ])
    // The byte bound works the same way (automatic versions have half of it).
    const small: VersionRetention = { maxCount: 100, maxBytes: version('b', 'bb').bytes * 4 }
    await store.addVersion(version('b1', 'b1', { documentId: 'doc3', createdAt: now - 2000 }), small)
    await store.addVersion(version('b2', 'b2', { documentId: 'doc3', createdAt: now - 1000 }), small)
    await store.addVersion(version('b3', 'b3', { documentId: 'doc3', createdAt: now }), small)
    expect((await store.listVersions('doc3')).map((v) => v.versionId)).toEqual(['b3', 'b2'])
  })

  it('V5 versions survive compaction of the log, and close and reopen', async () => {
    let store = getStore()
    const live = new Y.Doc()
    const updates: Uint8Array[] = []
    live.on('update', (update: Uint8Array) => updates.push(update))
    for (const chunk of ['a', 'b', 'c']) live.getText('t').insert(0, chunk)
    await store.append(updates.map((update) => ({ room: 'doc1', update })))
    await store.addVersion(version('v1', 'kept'), ROOMY)
    await store.compact('doc1')
    const doc = new Y.Doc()
    Y.applyUpdate(doc, (await store.getVersion('doc1', 'v1'))!.state)
    expect(doc.getText('t').toString()).toBe('kept')
    const reopened = reopen()
    if (reopened) {
      store = await reopened
      expect((await store.listVersions('doc1')).map((v) => v.versionId)).toEqual(['v1'])
      expect((await store.getVersion('doc1', 'v1'))?.bytes).toBeGreaterThan(0)
    }
  })

  it('V6 adding a version whose id exists rejects with conflict', async () => {
    const store = getStore()
    await store.addVersion(version('v1', 'first'), ROOMY)
    const error = await store
      .addVersion(version('v1', 'second'), ROOMY)
      .catch((rejection: unknown) => rejection)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).kind).toBe('conflict')
  })

  it('V7 a version of a deleted document is not stored, so none outlives it', async () => {
    const store = getStore()
    await store.createDocument({ id: 'doc1', title: 'T', createdAt: 1, deletedAt: null })
    expect(await store.addVersion(version('before', 'kept'), ROOMY)).toBe('stored')
    // Deleted while a version was being taken: the insert that follows stores nothing.
    await store.deleteDocument('doc1')
    expect(await store.addVersion(version('after', 'late'), ROOMY)).toBe('document-deleted')
    expect(await store.addVersion(version('named', 'late', { kind: 'named', name: 'N' }), ROOMY)).toBe(
      'document-deleted',
    )
    expect(await store.listVersions('doc1')).toEqual([])
    // Rooms without a document record still get versions.
    expect(await store.addVersion(version('free', 'x', { documentId: 'no-record' }), ROOMY)).toBe('stored')
  })

  it('V8 a claim covers callers whose edits came before it; of claims at once exactly one is granted', async () => {
    const store = getStore()
    const claim = (versionId: string, coveredWithinMs: number | null, documentId = 'doc1') =>
      store.claimVersion(documentId, { versionId, coveredWithinMs })
    const results = await Promise.all(['a', 'b', 'c'].map((id) => claim(id, MINUTE_MS)))
    expect(results.filter((result) => result.granted)).toHaveLength(1)
    // Dated by the store's clock and reported as an age: nodes' clocks need not agree.
    const ages = results.flatMap((result) => (result.granted ? [] : [result.claimedMsAgo]))
    expect(ages).toHaveLength(2)
    for (const age of ages) {
      expect(age).toBeGreaterThanOrEqual(0)
      expect(age).toBeLessThan(MINUTE_MS)
    }
    // Edits at the claim's own instant may have missed its read: not covered.
    expect(await claim('d', 0)).toEqual({ granted: true, waiting: { editors: [], clients: [] } })
    expect((await claim('e', MINUTE_MS)).granted).toBe(false)
    // A named version is always taken.
    expect((await claim('f', null)).granted).toBe(true)
    // Rooms without a record can be claimed.
    expect((await claim('x', MINUTE_MS, 'no-record')).granted).toBe(true)
    expect((await claim('y', MINUTE_MS, 'no-record')).granted).toBe(false)
    // A deleted document's claim goes with it, and a claim made after the delete (its last window
    // closing) is not stored: no claim outlives its document.
    await store.createDocument({ id: 'gone', title: 'T', createdAt: 1, deletedAt: null })
    await claim('x', MINUTE_MS, 'gone')
    await store.deleteDocument('gone')
    expect((await claim('y', MINUTE_MS, 'gone')).granted).toBe(true)
    expect((await claim('z', MINUTE_MS, 'gone')).granted).toBe(true)
  })

  it("V9 a covered window's people join the claimed version, or the next one when it is not stored", async () => {
    const store = getStore()
    const ada = version('v1', 'one')
    const adaClient = ada.clients[0]!
    // Nothing to join without a claim.
    await store.addVersionAuthors('doc1', { editors: ['Ben'], clients: [[7, 'Ben']] })
    expect(await store.claimVersion('doc1', { versionId: 'v1', coveredWithinMs: 0 })).toEqual({
      granted: true,
      waiting: { editors: [], clients: [] },
    })
    expect(await store.addVersion(ada, ROOMY)).toBe('stored')
    await store.addVersionAuthors('doc1', { editors: ['Ben', 'Ada'], clients: [[7, 'Ben'], adaClient] })
    expect(await store.getVersion('doc1', 'v1')).toMatchObject({
      editors: ['Ada', 'Ben'],
      clients: [adaClient, [7, 'Ben']],
    })
    // Claimed but not stored (yet): the people wait for the next granted claim, which takes them.
    expect((await store.claimVersion('doc1', { versionId: 'v2', coveredWithinMs: 0 })).granted).toBe(true)
    await store.addVersionAuthors('doc1', { editors: ['Cy'], clients: [[8, 'Cy']] })
    await store.addVersionAuthors('doc1', { editors: ['Di', 'Cy'], clients: [[9, 'Di']] })
    expect(await store.claimVersion('doc1', { versionId: 'v3', coveredWithinMs: 0 })).toEqual({
      granted: true,
      waiting: {
        editors: ['Cy', 'Di'],
        clients: [
          [8, 'Cy'],
          [9, 'Di'],
        ],
      },
    })
    expect((await store.getVersion('doc1', 'v1'))?.editors).toEqual(['Ada', 'Ben'])
    // Waiting while the claimed version is being taken: they join it once it is stored.
    await store.claimVersion('doc1', { versionId: 'v5', coveredWithinMs: 0 })
    await store.addVersionAuthors('doc1', { editors: ['Ed'], clients: [[10, 'Ed']] })
    const five = version('v5', 'five', { createdAt: 1_700_000_000_005 })
    expect(await store.addVersion(five, ROOMY)).toBe('stored')
    expect(await store.getVersion('doc1', 'v5')).toMatchObject({
      editors: ['Ada', 'Ed'],
      clients: [five.clients[0], [10, 'Ed']],
    })
    // ... and no longer wait.
    const after = await store.claimVersion('doc1', { versionId: 'v6', coveredWithinMs: 0 })
    expect(after).toEqual({ granted: true, waiting: { editors: [], clients: [] } })
    // Bounded like any version's list.
    const many = Array.from({ length: MAX_VERSION_EDITORS + 5 }, (_, i) => `P${i}`)
    await store.addVersionAuthors('doc1', { editors: many, clients: [] })
    const next = await store.claimVersion('doc1', { versionId: 'v4', coveredWithinMs: null })
    expect(next.granted && next.waiting.editors).toEqual(many.slice(0, MAX_VERSION_EDITORS))
  })

  it('V10 a version keeps its comments state beside its own, counted by retention; none reads null', async () => {
    let store = getStore()
    const comments = commentsState('a thread')
    const original = comments.slice()
    const withComments = version('c1', 'text', { comments })
    expect(withComments.commentsBytes).toBe(comments.byteLength)
    expect(await store.addVersion(withComments, ROOMY)).toBe('stored')
    comments.fill(0)
    expect(await store.addVersion(version('c0', 'older', { createdAt: 1_600_000_000_000 }), ROOMY)).toBe(
      'stored',
    )
    const check = async () => {
      expect((await store.getVersion('doc1', 'c1'))?.comments).toEqual(original)
      expect(await store.getVersion('doc1', 'c0')).toMatchObject({ comments: null, commentsBytes: null })
      expect(
        (await store.listVersions('doc1')).map(({ versionId, commentsBytes }) => [versionId, commentsBytes]),
      ).toEqual([
        ['c1', original.byteLength],
        ['c0', null],
      ])
    }
    await check()
    const reopened = reopen()
    if (reopened) {
      store = await reopened
      await check()
    }
    // Retention counts the comments: a named version whose state alone fits the named half of the
    // byte bound, but not with its comments, is refused.
    const big = commentsState('x'.repeat(2000))
    const tight: VersionRetention = { maxCount: 10, maxBytes: 2 * (big.byteLength + 100) - 200 }
    const named = { kind: 'named' as const, name: 'with comments', documentId: 'doc3' }
    expect(await store.addVersion(version('n1', 'small', { ...named, comments: big }), tight)).toBe(
      'over-quota',
    )
    expect(await store.addVersion(version('n2', 'small', named), tight)).toBe('stored')
  })
}
