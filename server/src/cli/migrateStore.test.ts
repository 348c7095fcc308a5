import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usePostgres } from '../../test/helpers/postgresDatabase'
import { copySqliteToPostgres } from '../persistence/copySqliteToPostgres'
import type { ShareKeyRecord, StoredUpload } from '../persistence/DocumentStore'
import { docFrom, expectStorageError, typingUpdates } from '../persistence/documentStoreContract'
import { PostgresStore } from '../persistence/postgres/PostgresStore'
import { databaseFile, SqliteStore } from '../persistence/sqlite/SqliteStore'
import { version } from '../persistence/versionContract'

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url))
const postgres = usePostgres()

const KEY: ShareKeyRecord = {
  keyId: 'k1',
  documentId: 'doc1',
  role: 'viewer',
  keyHash: 'a'.repeat(64),
  createdAt: 1_700_000_000_000,
  revokedAt: 1_700_000_000_500,
  createdBy: 'Ann',
}

const VERSIONS = [
  version('with-comments', 'text then', { comments: typingUpdates(['a thread'], 5)[0]! }),
  version('before-comments', 'older text', { createdAt: 1_600_000_000_000 }),
]

const UPLOAD: StoredUpload = {
  documentId: 'doc1',
  hash: 'c'.repeat(64),
  type: 'image/png',
  bytes: 4,
  createdAt: 1_700_000_000_100,
  data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
}

function runMigrateStore(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/migrateStore.ts', ...args], {
    cwd: SERVER_DIR,
    encoding: 'utf8',
  })
}

async function textsIn(url: string, rooms: readonly string[]): Promise<Record<string, string>> {
  const store = new PostgresStore(url, { healthProbeIntervalMs: 0 })
  try {
    const texts: Record<string, string> = {}
    for (const room of rooms)
      texts[room] = docFrom(await store.load(room))
        .getText('t')
        .toString()
    return texts
  } finally {
    await store.close()
  }
}

async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    const counts: Record<string, number> = {}
    for (const table of ['tandem_updates', 'tandem_snapshots', 'tandem_documents', 'tandem_share_keys']) {
      counts[table] = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n
    }
    return counts
  } finally {
    await client.end()
  }
}

describe('migrate-store (SQLite to Postgres)', () => {
  let dir: string
  let dataDir: string

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-migrate-store-'))
    dataDir = path.join(dir, 'data')
    const store = new SqliteStore(databaseFile(dataDir))
    try {
      // 'compacted' has a snapshot and a log; 'gap' holds an update whose predecessor never arrived.
      const [hello, world] = [typingUpdates(['hello', ' world'], 1), typingUpdates(['!'], 2)]
      await store.append(hello.map((update) => ({ room: 'compacted', update })))
      await store.compact('compacted')
      await store.append([{ room: 'compacted', update: world[0]! }])
      await store.append([{ room: 'plain', update: typingUpdates(['just a log'], 3)[0]! }])
      const gapped = typingUpdates(['a', 'b', 'c'], 4)
      await store.append([gapped[0]!, gapped[2]!].map((update) => ({ room: 'gap', update })))
      await store.createDocument({ id: 'doc1', title: 'Plan', createdAt: 1_700_000_000_000, deletedAt: null })
      await store.addShareKey(KEY)
      await store.putUpload(UPLOAD, { maxCount: 10, maxBytes: 1000 })
      await store.markDocumentsChanged([{ id: 'doc1', at: 1_700_000_500_000 }])
      // Versions with and without their comments' state (those taken before comments were recorded).
      for (const stored of VERSIONS) await store.addVersion(stored, { maxCount: 10, maxBytes: 1_000_000 })
      await store.enqueueDeliveries([{ url: 'https://hooks.test/a', body: '{"id":"e1"}' }], {
        now: 1_700_000_600_000,
        maxRows: 10,
      })
    } finally {
      await store.close()
    }
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('copies documents, keys and each room as one snapshot, refuses a non-empty target, and merges with --force', async () => {
    const url = await postgres.createDatabase()
    const first = runMigrateStore(['--from', `sqlite:${dataDir}`, '--to', url])
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain(
      'copied 1 documents, 1 share keys, 1 images, 1 pending webhook deliveries, 2 versions and 3 rooms',
    )

    const expected = { compacted: 'hello world!', plain: 'just a log', gap: 'a' }
    expect(await textsIn(url, Object.keys(expected))).toEqual(expected)
    expect(await rowCounts(url)).toEqual({
      tandem_updates: 0,
      tandem_snapshots: 3,
      tandem_documents: 1,
      tandem_share_keys: 1,
    })
    const target = new PostgresStore(url, { healthProbeIntervalMs: 0 })
    try {
      expect(await target.getDocument('doc1')).toEqual({
        id: 'doc1',
        title: 'Plan',
        createdAt: 1_700_000_000_000,
        deletedAt: null,
      })
      expect(await target.findShareKey('doc1', KEY.keyHash)).toEqual(KEY)
      for (const stored of VERSIONS) {
        expect(await target.getVersion('doc1', stored.versionId)).toEqual(stored)
      }
      // The last edit time and the webhook delivery not yet sent came along.
      expect((await target.listDocuments('', 10))[0]).toMatchObject({
        id: 'doc1',
        changedAt: 1_700_000_500_000,
      })
      expect(
        await target.claimDeliveries({ now: 1_700_000_700_000, limit: 10, leaseMs: 1000 }),
      ).toMatchObject([{ url: 'https://hooks.test/a', body: '{"id":"e1"}', attempts: 1 }])
      const image = await target.getUpload('doc1', UPLOAD.hash)
      expect(image && { ...image, data: Array.from(image.data) }).toEqual({
        ...UPLOAD,
        data: Array.from(UPLOAD.data),
      })
      // The update waiting for its predecessor was carried over: it applies once that arrives.
      await target.append([{ room: 'gap', update: typingUpdates(['a', 'b', 'c'], 4)[1]! }])
      expect(
        docFrom(await target.load('gap'))
          .getText('t')
          .toString(),
      ).toBe('abc')
    } finally {
      await target.close()
    }

    const again = copySqliteToPostgres(databaseFile(dataDir), url)
    await expect(again).rejects.toThrow('already holds data')
    await expectStorageError(again, 'conflict')

    const forced = await copySqliteToPostgres(databaseFile(dataDir), url, { force: true })
    expect(forced).toMatchObject({
      documents: 1,
      shareKeys: 1,
      uploads: 1,
      deliveries: 1,
      versions: 2,
      rooms: 3,
      // Everything was there already: the four rows skipped before, and both versions.
      skipped: 6,
    })
    expect(await textsIn(url, Object.keys(expected))).toEqual({ ...expected, gap: 'abc' })
  })

  it('writes nothing when a source room fails its checksum', async () => {
    const db = new Database(databaseFile(dataDir))
    db.prepare("UPDATE updates SET data = X'DEADBEEF' WHERE room = 'plain'").run()
    db.close()
    const url = await postgres.createDatabase()
    await expectStorageError(copySqliteToPostgres(databaseFile(dataDir), url), 'corrupt')
    expect(await rowCounts(url)).toEqual({
      tandem_updates: 0,
      tandem_snapshots: 0,
      tandem_documents: 0,
      tandem_share_keys: 0,
    })
  })

  it('refuses a missing source, and the command explains its usage', async () => {
    await expectStorageError(
      copySqliteToPostgres(path.join(dir, 'none.db'), 'postgres://u@h/d'),
      'unavailable',
    )
    const usage = runMigrateStore(['--from', 'sqlite:x'])
    expect(usage.status).toBe(2)
    expect(usage.stderr).toContain('--to postgres://')
  })
})
