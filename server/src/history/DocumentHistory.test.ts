import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { VersionRecord } from '../persistence/DocumentStore'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { DocumentHistory } from './DocumentHistory'

const RETENTION = { maxCount: 10, maxBytes: 1_000_000 }

async function storeWithText(text: string): Promise<MemoryStore> {
  const store = new MemoryStore()
  await store.createDocument({ id: 'doc', title: 'T', createdAt: 1, deletedAt: null })
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (const char of text) doc.getText('t').insert(doc.getText('t').length, char)
  await store.append(updates.slice(0, 2).map((update) => ({ room: 'doc', update })))
  await store.compact('doc')
  await store.append(updates.slice(2).map((update) => ({ room: 'doc', update })))
  return store
}

describe('DocumentHistory', () => {
  it('stores the state the store holds (snapshot and log) and announces it', async () => {
    const store = await storeWithText('hello')
    const announced: VersionRecord[] = []
    const history = new DocumentHistory({
      store,
      retention: RETENTION,
      onVersionCreated: (v) => announced.push(v),
    })
    const version = await history.takeVersion({
      documentId: 'doc',
      kind: 'auto',
      name: null,
      editors: ['Ann'],
      clients: [[1, 'Ann']],
    })
    expect(version).toMatchObject({ documentId: 'doc', kind: 'auto', editors: ['Ann'] })
    const stored = await store.getVersion('doc', (version as VersionRecord).versionId)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, stored!.state)
    expect(doc.getText('t').toString()).toBe('hello')
    expect(announced).toEqual([version])
  })

  it('refuses a named version past the named quota from the records, without reading the document', async () => {
    const store = await storeWithText('full')
    const history = new DocumentHistory({ store, retention: { maxCount: 2, maxBytes: 1_000_000 } })
    const named = { documentId: 'doc', kind: 'named', name: 'N', editors: [], clients: [] } as const
    expect(await history.takeVersion(named)).toMatchObject({ kind: 'named' })
    let loads = 0
    const load = store.load.bind(store)
    store.load = (room) => {
      loads++
      return load(room)
    }
    expect(await history.takeVersion(named)).toBe('over-quota')
    expect(loads).toBe(0)
  })

  it('takes no version of a deleted document', async () => {
    const store = await storeWithText('gone')
    await store.deleteDocument('doc')
    const history = new DocumentHistory({ store, retention: RETENTION })
    expect(
      await history.takeVersion({ documentId: 'doc', kind: 'auto', name: null, editors: [], clients: [] }),
    ).toBeNull()
    expect(await store.listVersions('doc')).toEqual([])
  })

  it('takes no version of a room the catalog does not hold (nothing could list it)', async () => {
    const store = new MemoryStore()
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'opened with a token, never created')
    await store.append([{ room: 'free-room', update: Y.encodeStateAsUpdate(doc) }])
    const history = new DocumentHistory({ store, retention: RETENTION })
    const request = { documentId: 'free-room', name: null, editors: ['Ann'], clients: [] } as const
    expect(await history.takeVersion({ ...request, kind: 'auto' })).toBeNull()
    expect(await history.takeVersion({ ...request, kind: 'named', name: 'N' })).toBeNull()
    expect(await store.listVersions('free-room')).toEqual([])
  })
})
