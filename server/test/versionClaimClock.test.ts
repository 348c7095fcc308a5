/**
 * Version claims with nodes whose clocks disagree (issue 19 review): two nodes, each a store and a
 * History over one real PostgreSQL database. A claim used to be dated by the claiming node's clock
 * and compared with another node's commit times, so a node running a year ahead blocked every
 * other node's automatic versions of the document for that year. Claims are now dated by the
 * database's clock, and nodes only measure durations with their own.
 */
import { afterEach, expect, it, onTestFinished, vi } from 'vitest'
import * as Y from 'yjs'
import { History } from '../src/history/History'
import type { UpdateEntry } from '../src/persistence/DocumentStore'
import { PostgresStore } from '../src/persistence/postgres/PostgresStore'
import { usePostgres } from './helpers/postgresDatabase'

const postgres = usePostgres()
const POLL = { timeout: 15_000, interval: 25 }
const YEAR_MS = 365 * 24 * 3_600_000
const CONFIG = {
  versionIdleMs: 50,
  versionMaxIntervalMs: 3_600_000,
  maxVersionsPerDocument: 100,
  maxVersionBytesPerDocument: 10_000_000,
}

afterEach(() => {
  vi.useRealTimers()
})

async function startNode(url: string): Promise<{ store: PostgresStore; history: History }> {
  const store = new PostgresStore(url)
  await store.ready()
  const history = new History({ store, config: CONFIG, logger: { warn: () => {} } })
  onTestFinished(async () => {
    await history.close()
    await store.close()
  })
  return { store, history }
}

/** A real update by a fresh Yjs client, stored and then announced to the node's history as a commit is. */
async function commit(node: { store: PostgresStore; history: History }, text: string, author: string) {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  const entry: UpdateEntry = {
    room: 'doc',
    update: Y.encodeStateAsUpdate(doc),
    author: { userId: author, name: author },
  }
  await node.store.append([entry])
  node.history.onCommitted([entry])
}

it("a node whose clock runs a year ahead does not stop another node's automatic versions", async () => {
  const url = await postgres.createDatabase()
  const ahead = await startNode(url)
  const onTime = await startNode(url)
  await ahead.store.createDocument({ id: 'doc', title: 'T', createdAt: 1, deletedAt: null })

  // The node ahead names a version: its claim is the document's last.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + YEAR_MS })
  expect(await ahead.history.takeNamedVersion('doc', 'Ahead')).toMatchObject({ kind: 'named' })
  vi.useRealTimers()

  // Ben edits through the other node afterwards: his burst must get a version of its own.
  await commit(onTime, 'Ben was here', 'Ben')
  await vi.waitFor(async () => {
    const versions = await onTime.store.listVersions('doc')
    expect(versions.find((version) => version.kind === 'auto')?.editors).toEqual(['Ben'])
  }, POLL)
}, 30_000)
