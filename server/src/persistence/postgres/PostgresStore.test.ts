import { crc32 } from 'node:zlib'
import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { usePostgres } from '../../../test/helpers/postgresDatabase'
import { loadConfig } from '../../config'
import { compactUpdates } from '../compactUpdates'
import { createDocumentStore } from '../createDocumentStore'
import {
  docFrom,
  expectStorageError,
  runDocumentStoreContract,
  typingUpdates,
} from '../documentStoreContract'
import { StorageError } from '../StorageError'
import { version } from '../versionContract'
import { PostgresStore, type PostgresStoreOptions } from './PostgresStore'
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgresMigrations'
import { MAX_ROWS_PER_INSERT } from './postgresStatements'

const postgres = usePostgres()
const POLL = { timeout: 15_000, interval: 20 }

/** Runs one statement on its own connection, bypassing every store. */
async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

/** One independent update (its own client id) that adds `marker` to the `marks` array. */
function markerUpdate(marker: string, clientID: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  doc.getArray<string>('marks').push([marker])
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

function markers(stored: Awaited<ReturnType<PostgresStore['load']>>): string[] {
  return docFrom(stored).getArray<string>('marks').toArray()
}

/** One database for the contract suite, emptied before each test: cheaper than a database per test. */
let contractUrl: string | undefined

runDocumentStoreContract('PostgresStore', async () => {
  contractUrl ??= await postgres.createDatabase()
  const url = contractUrl
  const opened = [new PostgresStore(url)]
  await opened[0]!.ready()
  await sql(
    url,
    'TRUNCATE tandem_updates, tandem_snapshots, tandem_documents, tandem_share_keys, tandem_webhook_outbox, tandem_uploads, tandem_versions, tandem_version_claims',
  )
  return {
    store: opened[0]!,
    async reopen() {
      await opened.at(-1)!.close()
      opened.push(new PostgresStore(url))
      return opened.at(-1)!
    },
    async corruptNewestUpdate(room) {
      await sql(
        url,
        `UPDATE tandem_updates SET data = data || '\\xff'::bytea
         WHERE id = (SELECT max(id) FROM tandem_updates WHERE room = $1)`,
        [room],
      )
    },
    async cleanup() {
      for (const store of opened) await store.close()
    },
  }
})

describe('PostgresStore', () => {
  let url: string
  const toClose: PostgresStore[] = []

  afterEach(async () => {
    for (const store of toClose.splice(0)) await store.close()
  })

  async function open(options?: PostgresStoreOptions, at = url): Promise<PostgresStore> {
    const store = new PostgresStore(at, options)
    toClose.push(store)
    return store
  }

  async function freshDatabase(): Promise<string> {
    url = await postgres.createDatabase()
    return url
  }

  it('durability process turns synchronous_commit off for its own sessions only; fsync keeps the server default', async () => {
    await freshDatabase()
    /** A session setting is visible only from inside that session: ask through the store's own pool. */
    const setting = async (store: PostgresStore) => {
      await store.ready()
      const pool = (store as unknown as { database: { pg: { pool: pg.Pool } } }).database.pg.pool
      return (await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!
        .synchronous_commit
    }
    expect(await setting(await open({ durability: 'process' }))).toBe('off')
    expect(await setting(await open({ durability: 'fsync' }))).toBe('on')
    expect(await setting(await open())).toBe('on')
    expect((await sql<{ synchronous_commit: string }>(url, 'SHOW synchronous_commit'))[0]).toEqual({
      synchronous_commit: 'on',
    })
  })

  it('a database of schema 1 (before created_by) upgrades in place: its keys keep working, with no creator', async () => {
    await freshDatabase()
    const client = new pg.Client(url)
    await client.connect()
    try {
      await migratePostgres(client, POSTGRES_MIGRATIONS.slice(0, 1))
      await client.query(
        'INSERT INTO tandem_share_keys (key_id, document_id, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
        ['old-key', 'doc1', 'viewer', 'e'.repeat(64), 1_600_000_000_000],
      )
    } finally {
      await client.end()
    }
    const store = await open()
    const migrated = await store.findShareKey('doc1', 'e'.repeat(64))
    expect(migrated).toMatchObject({
      keyId: 'old-key',
      role: 'viewer',
      createdAt: 1_600_000_000_000,
      createdBy: null,
    })
    expect(await store.listShareKeys('doc1')).toEqual([migrated])
    expect(await sql(url, 'SELECT version FROM tandem_schema')).toEqual([
      { version: POSTGRES_MIGRATIONS.length },
    ])
  })

  it('nodes migrating one database together apply each step once; a failing step applies nothing; a newer schema is refused', async () => {
    await freshDatabase()
    const stores = await Promise.all([1, 2, 3].map(() => open()))
    await Promise.all(stores.map((store) => store.ready()))
    expect(await sql(url, 'SELECT version FROM tandem_schema')).toEqual([
      { version: POSTGRES_MIGRATIONS.length },
    ])

    // A user that may only read and write the tables runs the up-to-date schema.
    await sql(
      url,
      `CREATE ROLE tandem_app LOGIN;
       GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tandem_app;
       GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tandem_app`,
    )
    const limited = await open({}, url.replace('postgres@', 'tandem_app@'))
    await limited.append([{ room: 'r', update: markerUpdate('limited', 1) }])
    expect(markers(await limited.load('r'))).toEqual(['limited'])

    const client = new pg.Client(url)
    await client.connect()
    try {
      const next = [...POSTGRES_MIGRATIONS, 'CREATE TABLE extra (x INTEGER)']
      // A second run would fail on CREATE TABLE if the step were applied again.
      expect(await migratePostgres(client, next)).toBe(next.length)
      expect(await migratePostgres(client, next)).toBe(next.length)
      await expect(
        migratePostgres(client, [...next, 'CREATE TABLE half (x INTEGER); NOT SQL']),
      ).rejects.toThrow()
      expect((await client.query('SELECT version FROM tandem_schema')).rows).toEqual([
        { version: next.length },
      ])
      expect((await client.query("SELECT to_regclass('half') AS half")).rows).toEqual([{ half: null }])
      await client.query('UPDATE tandem_schema SET version = 999')
    } finally {
      await client.end()
    }
    const newer = await open()
    const error = await newer.load('r').catch((rejection: unknown) => rejection)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).kind).toBe('unavailable')
    expect((error as StorageError).message).toContain('newer than this server knows')
    expect(newer.isHealthy()).toBe(false)
  })

  it('commits a batch larger than one INSERT in order, and a batch failing midway stores none of it', async () => {
    const store = await open({}, await freshDatabase())
    const count = MAX_ROWS_PER_INSERT + 5
    const updates = typingUpdates(Array.from({ length: count }, (_, n) => String(n % 10)))
    await store.append(updates.map((update) => ({ room: 'big', update })))
    expect((await store.load('big')).updates).toEqual(updates)

    await sql(
      url,
      `CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'poisoned'; END $$ LANGUAGE plpgsql;
       CREATE TRIGGER poison BEFORE INSERT ON tandem_updates FOR EACH ROW WHEN (NEW.room = 'poison')
       EXECUTE FUNCTION poison()`,
    )
    for (const size of [3, MAX_ROWS_PER_INSERT + 3]) {
      const batch = updates.slice(0, size).map((update) => ({ room: `x${size}`, update }))
      batch[size - 1] = { room: 'poison', update: updates[0]! }
      await expect(store.append(batch)).rejects.toThrow('poisoned')
      expect(await store.logSize(`x${size}`)).toEqual({ rows: 0, bytes: 0 })
    }
    expect(store.isHealthy()).toBe(true)
  })

  it('a corrupt update row or snapshot makes load and compact refuse, and the stored bytes stay as they were', async () => {
    const store = await open({}, await freshDatabase())
    await store.append(typingUpdates(['a', 'b', 'c']).map((update) => ({ room: 'r', update })))
    const middle = "(SELECT id FROM tandem_updates WHERE room = 'r' ORDER BY id LIMIT 1 OFFSET 1)"
    await sql(
      url,
      `UPDATE tandem_updates SET data = set_byte(data, 0, get_byte(data, 0) # 1) WHERE id = ${middle}`,
    )
    const damaged = await sql(url, 'SELECT id, data, crc32 FROM tandem_updates ORDER BY id')
    await expectStorageError(store.load('r'), 'corrupt')
    await expectStorageError(store.compact('r'), 'corrupt')
    expect(await sql(url, 'SELECT id, data, crc32 FROM tandem_updates ORDER BY id')).toEqual(damaged)
    expect(await sql(url, 'SELECT count(*)::int AS n FROM tandem_snapshots')).toEqual([{ n: 0 }])

    await store.append([{ room: 's', update: typingUpdates(['snap'])[0]! }])
    await store.compact('s')
    await sql(url, "UPDATE tandem_snapshots SET data = '\\x00'::bytea || data WHERE room = 's'")
    await expectStorageError(store.load('s'), 'corrupt')
    expect(store.isHealthy()).toBe(true)
  })

  it('keeps a row whose smaller id commits after a compaction read the log (sequence values commit out of order)', async () => {
    const store = await open({}, await freshDatabase())
    const slow = markerUpdate('slow', 1)
    const fast = markerUpdate('fast', 2)
    const writer = new pg.Client(url)
    await writer.connect()
    let slowId = 0
    try {
      await store.ready()
      // Another node's append: its INSERT takes the next id, but its transaction commits later.
      await writer.query('BEGIN')
      const inserted = await writer.query<{ id: string }>(
        'INSERT INTO tandem_updates (room, data, crc32) VALUES ($1, $2, $3) RETURNING id',
        ['r', Buffer.from(slow), crc32(slow) | 0],
      )
      slowId = Number(inserted.rows[0]!.id)
      await store.append([{ room: 'r', update: fast }])
      const visible = await sql<{ id: string }>(url, 'SELECT id FROM tandem_updates')
      expect(visible, 'only the fast row is visible before the slow commit').toHaveLength(1)
      expect(Number(visible[0]!.id), 'the slow row holds the smaller id').toBeGreaterThan(slowId)

      let foldedParts = 0
      const compactor = await open({
        // Runs between the compaction's read (which could not see the slow row) and its write.
        async compactUpdates(parts) {
          foldedParts = parts.length
          await writer.query('COMMIT')
          return compactUpdates(parts)
        },
      })
      await compactor.compact('r')
      expect(foldedParts).toBe(1)
    } finally {
      await writer.end()
    }
    const left = await sql<{ id: string }>(url, 'SELECT id FROM tandem_updates')
    expect(
      left.map((row) => Number(row.id)),
      'the folded row is deleted, the slow one kept',
    ).toEqual([slowId])
    const stored = await store.load('r')
    expect(stored.snapshot).not.toBeNull()
    expect(stored.updates).toEqual([slow])
    expect(markers(stored).toSorted()).toEqual(['fast', 'slow'])
  })

  it('drops a compaction whose snapshot another node replaced meanwhile, losing nothing', async () => {
    await freshDatabase()
    const other = await open()
    const updates = typingUpdates(['one', ' two', ' three'])
    const store = await open({
      // Runs between this compaction's read and its write: the other node appends and compacts.
      async compactUpdates(parts) {
        await other.append([{ room: 'r', update: updates[2]! }])
        await other.compact('r')
        return compactUpdates(parts)
      },
    })
    await store.append(updates.slice(0, 2).map((update) => ({ room: 'r', update })))
    await store.compact('r')
    expect(await sql(url, "SELECT version FROM tandem_snapshots WHERE room = 'r'")).toEqual([
      { version: '1' },
    ])
    const stored = await store.load('r')
    expect(stored.updates).toEqual([])
    expect(docFrom(stored).getText('t').toString()).toBe('one two three')
  })

  it('two nodes (two pools) appending and compacting one room at once lose no update', async () => {
    await freshDatabase()
    const count = 300
    const nodes = await Promise.all([1, 2].map(() => open()))
    const spans = nodes.map(() => ({ first: Number.POSITIVE_INFINITY, last: 0 }))
    await Promise.all(
      nodes.map(async (store, index) => {
        const doc = new Y.Doc()
        doc.clientID = 100 + index
        const marks = doc.getArray<string>('marks')
        const compactions: Promise<void>[] = []
        for (let n = 0; n < count; ) {
          // Batches of 1-4 updates, as a group commit of a busy turn would make them.
          const batch: Uint8Array[] = []
          const capture = (update: Uint8Array) => batch.push(update)
          doc.on('update', capture)
          for (let k = 0; k < 1 + (n % 4) && n < count; k++) marks.push([`${index}:${n++}`])
          doc.off('update', capture)
          await store.append(batch.map((update) => ({ room: 'shared', update })))
          spans[index]!.first = Math.min(spans[index]!.first, performance.now())
          spans[index]!.last = performance.now()
          if (n % (7 + index) === 0) compactions.push(store.compact('shared'))
        }
        await Promise.all(compactions)
      }),
    )
    // The point is concurrency: each node was still writing when the other began.
    expect(spans[0]!.first).toBeLessThan(spans[1]!.last)
    expect(spans[1]!.first).toBeLessThan(spans[0]!.last)
    const stored = await (await open()).load('shared')
    const expected = [0, 1].flatMap((index) => Array.from({ length: count }, (_, n) => `${index}:${n}`))
    expect(markers(stored).toSorted()).toEqual(expected.toSorted())
    const [{ version }] = (await sql(url, 'SELECT version FROM tandem_snapshots')) as [{ version: string }]
    expect(Number(version), 'compactions committed').toBeGreaterThan(1)
  })

  it('rejects fast as unavailable while the database is unreachable, and never hangs', async () => {
    const store = await open({ connectTimeoutMs: 500 }, 'postgres://postgres@127.0.0.1:1/nothing')
    const started = performance.now()
    await expectStorageError(store.append([{ room: 'r', update: markerUpdate('x', 1) }]), 'unavailable')
    await expectStorageError(store.load('r'), 'unavailable')
    await expectStorageError(store.getDocument('d'), 'unavailable')
    expect(performance.now() - started).toBeLessThan(3000)
    expect(store.isHealthy()).toBe(false)
  })

  it('a version inserted while its document is being deleted waits for the deletion and is not stored (no orphan)', async () => {
    const store = await open({}, await freshDatabase())
    await store.ready()
    await store.createDocument({ id: 'doc1', title: 'T', createdAt: 1, deletedAt: null })
    // A deletion caught between its statements: the document row is marked, its versions deleted,
    // and the transaction is still open when a version of it is inserted.
    const deleter = new pg.Client(url)
    await deleter.connect()
    try {
      await deleter.query('BEGIN')
      await deleter.query("UPDATE tandem_documents SET deleted_at = 1 WHERE id = 'doc1'")
      await deleter.query("DELETE FROM tandem_versions WHERE document_id = 'doc1'")
      let settled = false
      const adding = store.addVersion(version('late', 'x'), { maxCount: 10, maxBytes: 1_000_000 })
      void adding.finally(() => {
        settled = true
      })
      // The insert must wait on the document row (before: it committed at once, beside the deletion).
      await vi.waitFor(async () => {
        expect(settled).toBe(false)
        const waiting = await sql<{ count: number }>(
          url,
          "SELECT count(*)::integer AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        expect(waiting[0]?.count).toBeGreaterThan(0)
      }, POLL)
      await deleter.query('COMMIT')
      expect(await adding).toBe('document-deleted')
    } finally {
      await deleter.end()
    }
    expect(await sql(url, 'SELECT version_id FROM tandem_versions')).toEqual([])
  })

  it('DATABASE_URL selects Postgres', async () => {
    const databaseUrl = await freshDatabase()
    const store = await createDocumentStore(loadConfig({ DATABASE_URL: databaseUrl }))
    try {
      expect(store).toBeInstanceOf(PostgresStore)
      await store.append([{ room: 'r', update: markerUpdate('via config', 1) }])
      expect(markers(await (await open()).load('r'))).toEqual(['via config'])
    } finally {
      await store.close()
    }
  })

  // These last two kill and restart the file's server.
  it('a connection lost in the middle of a multi-statement append rejects it as unavailable and stores none of it', async () => {
    await freshDatabase()
    const store = await open({ healthProbeIntervalMs: 0 })
    await store.ready()
    await sql(
      url,
      `CREATE FUNCTION stall() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$ LANGUAGE plpgsql;
       CREATE TRIGGER stall BEFORE INSERT ON tandem_updates FOR EACH ROW WHEN (NEW.room = 'stall')
       EXECUTE FUNCTION stall()`,
    )
    const batch = typingUpdates(Array.from({ length: MAX_ROWS_PER_INSERT + 2 }, () => 'x')).map(
      (update, n) => ({
        room: n > MAX_ROWS_PER_INSERT ? 'stall' : 'first-chunk',
        update,
      }),
    )
    const appending = store.append(batch).then(
      () => undefined,
      (error: unknown) => error,
    )
    try {
      // The first chunk is inserted; the transaction now sleeps in the second one.
      await vi.waitFor(async () => {
        const sleeping = await sql(url, "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
        expect(sleeping).toHaveLength(1)
      }, POLL)
      await postgres.server.kill()
      const error = await appending
      expect(error).toBeInstanceOf(StorageError)
      expect((error as StorageError).kind).toBe('unavailable')
      expect(store.isHealthy()).toBe(false)
    } finally {
      await postgres.server.restart()
    }
    expect(await store.logSize('first-chunk')).toEqual({ rows: 0, bytes: 0 })
    await store.append([{ room: 'after', update: markerUpdate('after', 1) }])
    expect(store.isHealthy()).toBe(true)
  })

  it('Postgres killed and restarted during appends: nothing acknowledged is lost, outage appends reject, health recovers', async () => {
    await freshDatabase()
    const store = await open({ connectTimeoutMs: 1000, healthProbeIntervalMs: 100 })
    await store.ready()
    const acked: string[] = []
    const refused: { marker: string; ms: number; error: unknown }[] = []
    let running = true
    const writer = (async () => {
      for (let n = 0; running; n++) {
        const marker = `m${n}`
        const started = performance.now()
        try {
          await store.append([{ room: 'r', update: markerUpdate(marker, n + 1) }])
          acked.push(marker)
        } catch (error) {
          refused.push({ marker, ms: performance.now() - started, error })
        }
        // A typist's pace; it also keeps the loop from spinning while every append fails at once.
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    try {
      await vi.waitFor(() => expect(acked.length).toBeGreaterThanOrEqual(50), POLL)
      await postgres.server.kill()
      await vi.waitFor(() => expect(refused.length).toBeGreaterThanOrEqual(10), POLL)
      expect(store.isHealthy()).toBe(false)
      const ackedBeforeRestart = acked.length
      await postgres.server.restart()
      await vi.waitFor(() => expect(acked.length).toBeGreaterThanOrEqual(ackedBeforeRestart + 50), POLL)
      expect(store.isHealthy()).toBe(true)
    } finally {
      running = false
      await writer
    }
    for (const { error, ms } of refused) {
      expect(error).toBeInstanceOf(StorageError)
      expect((error as StorageError).kind).toBe('unavailable')
      expect(ms, 'refused within the connect timeout').toBeLessThan(2000)
    }
    const found = new Set(markers(await (await open()).load('r')))
    expect(acked.filter((marker) => !found.has(marker))).toEqual([])

    // With no traffic at all, the probe notices the outage and its end.
    await postgres.server.kill()
    await vi.waitFor(() => expect(store.isHealthy()).toBe(false), POLL)
    await postgres.server.restart()
    await vi.waitFor(() => expect(store.isHealthy()).toBe(true), POLL)
  })
})
