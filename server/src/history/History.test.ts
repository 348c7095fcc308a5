import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import type { UpdateEntry } from '../persistence/DocumentStore'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { History } from './History'

/** Two versions in all: one named, one automatic (each kind has half). Timers far off: taken on demand. */
const CONFIG = {
  versionIdleMs: 3_600_000,
  versionMaxIntervalMs: 3_600_000,
  maxVersionsPerDocument: 2,
  maxVersionBytesPerDocument: 1_000_000,
}

/** A real update of `text` by a fresh Yjs client, stored as a commit would store it. */
async function commit(store: MemoryStore, history: History, text: string, author: string): Promise<number> {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  const entry: UpdateEntry = {
    room: 'doc',
    update: Y.encodeStateAsUpdate(doc),
    author: { userId: author, name: author },
  }
  await store.append([entry])
  history.onCommitted([entry])
  return doc.clientID
}

async function start(): Promise<{ store: MemoryStore; history: History; warnings: string[] }> {
  const store = new MemoryStore()
  // Only documents in the catalog get versions.
  await store.createDocument({ id: 'doc', title: 'T', createdAt: 1, deletedAt: null })
  const warnings: string[] = []
  const history = new History({
    store,
    config: CONFIG,
    logger: {
      warn: (_details: unknown, message?: string): void => {
        warnings.push(message ?? '')
      },
    },
  })
  onTestFinished(() => history.close())
  return { store, history, warnings }
}

describe('History', () => {
  it('gives the pending automatic version back when a named version is refused', async () => {
    const { store, history } = await start()
    await commit(store, history, 'one', 'Ann')
    expect(await history.takeNamedVersion('doc', 'first')).toMatchObject({ kind: 'named', editors: ['Ann'] })
    const clientId = await commit(store, history, 'two', 'Bob')
    // The named quota (1) is full: refused, and Bob's edits are still recorded automatically.
    expect(await history.takeNamedVersion('doc', 'second')).toBe('over-quota')
    await history.recordPending('doc')
    const automatic = (await store.listVersions('doc')).filter((version) => version.kind === 'auto')
    expect(automatic).toMatchObject([{ editors: ['Bob'], clients: [[clientId, 'Bob']] }])
  })

  it("keeps the store's state before a restore, whoever committed it, and nothing twice", async () => {
    const { store, history } = await start()
    await commit(store, history, 'one', 'Ann')
    await history.keepBeforeRestore('doc')
    const first = await store.listVersions('doc')
    expect(first).toMatchObject([{ kind: 'auto', editors: ['Ann'] }])
    // Unchanged since that version: nothing more.
    await history.keepBeforeRestore('doc')
    expect(await store.listVersions('doc')).toEqual(first)
    // Another node's edit (stored, never seen by this node's recorder) is kept too.
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'elsewhere')
    await store.append([{ room: 'doc', update: Y.encodeStateAsUpdate(doc) }])
    await history.keepBeforeRestore('doc')
    const [latest] = await store.listVersions('doc')
    const kept = new Y.Doc()
    Y.applyUpdate(kept, (await store.getVersion('doc', latest!.versionId))!.state)
    // (Retention here keeps one automatic version: the new one replaced the first.)
    expect(kept.getText('t').toString()).toContain('elsewhere')
  })

  it('an update Yjs cannot parse does not stop the rest of its batch from being recorded', async () => {
    const { store, history, warnings } = await start()
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'fine')
    history.onCommitted([
      {
        room: 'broken',
        update: new Uint8Array([255, 255, 255, 255, 255]),
        author: { userId: 'id-Eve', name: 'Eve' },
      },
      { room: 'doc', update: Y.encodeStateAsUpdate(doc), author: { userId: 'id-Ann', name: 'Ann' } },
    ])
    await store.append([{ room: 'doc', update: Y.encodeStateAsUpdate(doc) }])
    await history.recordPending('doc')
    expect(await store.listVersions('doc')).toMatchObject([{ kind: 'auto', editors: ['Ann'] }])
    expect(warnings).toContain('could not note a committed update for history')
  })
})
