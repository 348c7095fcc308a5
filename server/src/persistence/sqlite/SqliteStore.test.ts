import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { COMPACT_OFF_THREAD_MIN_BYTES, compactUpdates, compactUpdatesInWorker } from '../compactUpdates'
import {
  docFrom,
  expectStorageError,
  runDocumentStoreContract,
  typingUpdates,
} from '../documentStoreContract'
import { StorageError } from '../StorageError'
import { MIGRATIONS, migrate } from './migrations'
import { SqliteStore } from './SqliteStore'
import { WalSync } from './WalSync'

const SERVER_DIR = fileURLToPath(new URL('../../..', import.meta.url))
const WRITER_PROCESS = fileURLToPath(new URL('./fixtures/storeWriterProcess.ts', import.meta.url))

/** Flips one byte of a stored blob behind the store's back, the way bit rot or a stray tool would. */
function flipByte(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file)
  try {
    const row = db.prepare<unknown[], { id: number; data: Buffer }>(sql).get(...params)
    if (!row) throw new Error('nothing to corrupt')
    const data = Buffer.from(row.data)
    data[data.length - 1]! ^= 0xff
    return void db.prepare('UPDATE updates SET data = ? WHERE id = ?').run(data, row.id)
  } finally {
    db.close()
  }
}

runDocumentStoreContract('SqliteStore', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-store-'))
  const file = path.join(dir, 'data', 'tandem.db')
  const opened = [new SqliteStore(file)]
  return {
    store: opened[0]!,
    async reopen() {
      await opened.at(-1)!.close()
      opened.push(new SqliteStore(file))
      return opened.at(-1)!
    },
    async corruptNewestUpdate(room) {
      flipByte(file, 'SELECT id, data FROM updates WHERE room = ? ORDER BY id DESC LIMIT 1', room)
    },
    async cleanup() {
      for (const store of opened) await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

describe('SqliteStore', () => {
  let dir: string
  let file: string
  const toClose: { close(): unknown }[] = []

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'))
    file = path.join(dir, 'data', 'tandem.db')
  })
  afterEach(async () => {
    for (const handle of toClose.splice(0).reverse()) await handle.close()
    await rm(dir, { recursive: true, force: true })
  })

  function open(options?: ConstructorParameters<typeof SqliteStore>[1]): SqliteStore {
    const store = new SqliteStore(file, options)
    toClose.push(store)
    return store
  }

  function raw(): Database.Database {
    const db = new Database(file)
    toClose.push(db)
    return db
  }

  it('creates DATA_DIR (0700) and a 0600 database in WAL mode', () => {
    open()
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(raw().pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('migrations: reopening applies nothing twice, a new step applies once, a failing step applies nothing', async () => {
    await open().close()
    await open().close()
    const db = raw()
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    const next = [...MIGRATIONS, 'CREATE TABLE extra (x INTEGER)']
    expect(migrate(db, next)).toBe(next.length)
    // A second run would fail on CREATE TABLE if the step were applied again.
    expect(migrate(db, next)).toBe(next.length)
    expect(() => migrate(db, [...next, 'CREATE TABLE half (x INTEGER); NOT SQL'])).toThrow()
    expect(db.pragma('user_version', { simple: true })).toBe(next.length)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined()
  })

  it('a database of schema 1 (before created_by) upgrades in place: its keys keep working, with no creator', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const old = new Database(file)
    migrate(old, MIGRATIONS.slice(0, 1))
    old
      .prepare(
        'INSERT INTO share_keys (key_id, document_id, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run('old-key', 'doc1', 'viewer', 'e'.repeat(64), 1_600_000_000_000)
    old.close()
    const store = open()
    expect(raw().pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    const migrated = await store.findShareKey('doc1', 'e'.repeat(64))
    expect(migrated).toMatchObject({
      keyId: 'old-key',
      role: 'viewer',
      createdAt: 1_600_000_000_000,
      createdBy: null,
    })
    expect(await store.listShareKeys('doc1')).toEqual([migrated])
    await store.close()
  })

  it('a version claim dated in the future (an older release dated claims by node clocks) covers nothing', async () => {
    const store = open()
    await store.claimVersion('doc1', { versionId: 'now', coveredWithinMs: null })
    // As written by a node whose clock ran a year ahead: it would block the document's automatic
    // versions for that year.
    raw()
      .prepare('UPDATE version_claims SET claimed_at = ? WHERE document_id = ?')
      .run(Date.now() + 365 * 24 * 3_600_000, 'doc1')
    expect((await store.claimVersion('doc1', { versionId: 'next', coveredWithinMs: 60_000 })).granted).toBe(
      true,
    )
    // Dated by the store's clock again: it covers as any recent claim does.
    expect((await store.claimVersion('doc1', { versionId: 'again', coveredWithinMs: 60_000 })).granted).toBe(
      false,
    )
  })

  it('refuses a database whose schema is newer than the code', async () => {
    await open().close()
    raw().pragma('user_version = 999')
    expect(() => new SqliteStore(file)).toThrow(StorageError)
  })

  it('refuses a file that is not a database as corrupt, leaving it as it was', () => {
    fs.mkdirSync(path.dirname(file))
    const garbage = Buffer.alloc(8192, 'not a database ')
    fs.writeFileSync(file, garbage)
    let thrown: unknown
    try {
      new SqliteStore(file)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(StorageError)
    expect((thrown as StorageError).kind).toBe('corrupt')
    expect(fs.readFileSync(file)).toEqual(garbage)
  })

  /** A WAL sync the test releases by hand, counting the calls. */
  function gatedSync() {
    const gates: Array<(error?: Error) => void> = []
    return {
      calls: 0,
      pending: () => gates.length,
      release(error?: Error) {
        gates.shift()?.(error)
      },
      syncWal() {
        this.calls++
        return new Promise<void>((resolve, reject) =>
          gates.push((error) => (error ? reject(error) : resolve())),
        )
      },
    }
  }

  it('durability fsync: an append resolves only once the WAL is synced; a failed sync refuses it as unavailable', async () => {
    const sync = gatedSync()
    const store = open({ syncWal: () => sync.syncWal() })
    const [a, b] = typingUpdates(['a', 'b'])
    let resolved = false
    const append = store.append([{ room: 'r', update: a! }]).then(() => {
      resolved = true
    })
    await vi.waitFor(() => expect(sync.pending()).toBe(1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(resolved, 'not durable until the WAL is synced').toBe(false)
    sync.release()
    await append
    const failed = store.append([{ room: 'r', update: b! }])
    await vi.waitFor(() => expect(sync.pending()).toBe(1))
    sync.release(new Error('EIO'))
    await expectStorageError(failed, 'unavailable')
    expect(store.isHealthy()).toBe(false)
    // Sticky: after an fsync error a later sync could succeed for pages the kernel already dropped.
    await expectStorageError(store.append([{ room: 'r', update: b! }]), 'unavailable')
    expect(sync.calls, 'no write or sync is tried again').toBe(2)
    expect(store.isHealthy()).toBe(false)
  })

  it('durability fsync covers the catalog: a revocation resolves only once it is synced', async () => {
    const sync = gatedSync()
    const store = open({ syncWal: () => sync.syncWal() })
    const record = {
      keyId: 'k1',
      documentId: 'd1',
      role: 'viewer' as const,
      keyHash: 'a'.repeat(64),
      createdAt: 1,
      revokedAt: null,
      createdBy: null,
    }
    const added = store.addShareKey(record)
    await vi.waitFor(() => expect(sync.pending()).toBe(1))
    sync.release()
    await added
    let revoked = false
    const revoking = store.revokeShareKey('d1', 'k1').then(() => {
      revoked = true
    })
    await vi.waitFor(() => expect(sync.pending()).toBe(1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(revoked).toBe(false)
    sync.release()
    await revoking
  })

  it('durability process: appends resolve at once; the WAL is synced within about a second of commits, and on close', async () => {
    const sync = gatedSync()
    const store = open({ durability: 'process', syncWal: () => sync.syncWal() })
    const [a, b] = typingUpdates(['a', 'b'])
    await store.append([{ room: 'r', update: a! }])
    expect(sync.calls, 'the append did not wait for a sync').toBe(0)
    await vi.waitFor(() => expect(sync.calls).toBe(1), { timeout: 3000, interval: 20 })
    sync.release()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(sync.calls, 'nothing committed since: no sync').toBe(1)
    await store.append([{ room: 'r', update: b! }])
    const closed = store.close()
    await vi.waitFor(() => expect(sync.calls).toBe(2))
    sync.release()
    await closed
  })

  it('syncs the real WAL file: data written through SQLite is flushed, and and keeps working when the file is replaced', async () => {
    const store = open()
    await store.append([{ room: 'r', update: typingUpdates(['x'])[0]! }])
    const wal = new WalSync(`${file}-wal`)
    toClose.push(wal)
    await wal.sync()
    const other = path.join(dir, 'other-wal')
    fs.writeFileSync(other, 'x')
    const replaced = new WalSync(other)
    toClose.push(replaced)
    await replaced.sync()
    fs.rmSync(other)
    fs.writeFileSync(other, 'y')
    await replaced.sync()
    await expect(new WalSync(path.join(dir, 'missing')).sync()).rejects.toThrow(/ENOENT/)
  })

  it('an append that fails midway through its transaction stores none of its entries', async () => {
    const store = open()
    raw().exec(`CREATE TRIGGER poison BEFORE INSERT ON updates WHEN NEW.room = 'poison'
      BEGIN SELECT RAISE(ABORT, 'poisoned'); END`)
    const [a, b] = typingUpdates(['a', 'b'])
    await expectStorageError(
      store.append([
        { room: 'x', update: a! },
        { room: 'y', update: b! },
        { room: 'poison', update: b! },
      ]),
      'conflict',
    )
    expect(await store.logSize('x')).toEqual({ rows: 0, bytes: 0 })
    expect(await store.logSize('y')).toEqual({ rows: 0, bytes: 0 })
  })

  it('a failed write marks the store unhealthy until a write succeeds; reads keep working', async () => {
    const store = open({ busyTimeoutMs: 50 })
    const [a, b] = typingUpdates(['a', 'b'])
    await store.append([{ room: 'r', update: a! }])
    const locker = raw()
    locker.exec('BEGIN IMMEDIATE')
    await expectStorageError(store.append([{ room: 'r', update: b! }]), 'unavailable')
    expect(store.isHealthy()).toBe(false)
    expect((await store.load('r')).updates).toHaveLength(1)
    locker.exec('COMMIT')
    await store.append([{ room: 'r', update: b! }])
    expect(store.isHealthy()).toBe(true)
    expect(
      docFrom(await store.load('r'))
        .getText('t')
        .toString(),
    ).toBe('ab')
  })

  it('a corrupt update row or snapshot makes load and compact throw, and the stored bytes stay as they were', async () => {
    const store = open()
    await store.append(typingUpdates(['a', 'b', 'c']).map((update) => ({ room: 'r', update })))
    const rowsBefore = raw().prepare('SELECT id, data, crc32 FROM updates ORDER BY id').all()
    flipByte(file, 'SELECT id, data FROM updates ORDER BY id LIMIT 1 OFFSET 1')
    const damaged = raw().prepare('SELECT id, data, crc32 FROM updates ORDER BY id').all()
    expect(damaged).not.toEqual(rowsBefore)
    await expectStorageError(store.load('r'), 'corrupt')
    await expectStorageError(store.compact('r'), 'corrupt')
    expect(raw().prepare('SELECT id, data, crc32 FROM updates ORDER BY id').all()).toEqual(damaged)
    expect(raw().prepare('SELECT count(*) AS n FROM snapshots').get()).toEqual({ n: 0 })

    await store.append([{ room: 's', update: typingUpdates(['snap'])[0]! }])
    await store.compact('s')
    raw().exec("UPDATE snapshots SET data = X'00' || data WHERE room = 's'")
    await expectStorageError(store.load('s'), 'corrupt')
    raw().exec("UPDATE snapshots SET data = 'text, not bytes' WHERE room = 's'")
    await expectStorageError(store.load('s'), 'corrupt')
  })

  it('folds on a worker thread exactly as inline, keeping updates whose dependencies are missing', async () => {
    const parts = typingUpdates(['x'.repeat(200_000), 'y'.repeat(200_000), 'z'.repeat(200_000), '!'])
    const withoutThird = [...parts.slice(0, 2), parts[3]!]
    const inWorker = await compactUpdatesInWorker(withoutThird)
    expect(inWorker).toEqual(compactUpdates(withoutThird))
    const doc = docFrom({ snapshot: inWorker, updates: [parts[2]!] })
    expect(doc.getText('t').toString()).toBe(
      `${'x'.repeat(200_000)}${'y'.repeat(200_000)}${'z'.repeat(200_000)}!`,
    )
  })

  it('keeps rows another instance appends while a large compaction folds on a worker', async () => {
    const appender = open()
    const updates = typingUpdates(['x'.repeat(COMPACT_OFF_THREAD_MIN_BYTES), ' tail', ' late'])
    let folded = 0
    const compactor = open({
      async compactUpdates(parts) {
        const compacting = compactUpdatesInWorker(parts)
        await appender.append([{ room: 'r', update: updates[2]! }])
        folded++
        return compacting
      },
    })
    await compactor.append(updates.slice(0, 2).map((update) => ({ room: 'r', update })))
    await compactor.compact('r')
    expect(folded).toBe(1)
    const stored = await appender.load('r')
    expect(stored.snapshot).not.toBeNull()
    expect(stored.updates).toEqual([updates[2]])
    expect(docFrom(stored).getText('t').toString()).toBe(
      `${'x'.repeat(COMPACT_OFF_THREAD_MIN_BYTES)} tail late`,
    )
  })

  it('drops a compaction whose snapshot another instance replaced meanwhile, losing nothing', async () => {
    const other = open()
    const updates = typingUpdates(['one', ' two', ' three'])
    const store = open({
      // Runs between this compaction's read and its write: the other instance appends and compacts.
      async compactUpdates(parts) {
        await other.append([{ room: 'r', update: updates[2]! }])
        await other.compact('r')
        return compactUpdates(parts)
      },
    })
    await store.append(updates.slice(0, 2).map((update) => ({ room: 'r', update })))
    await store.compact('r')
    const snapshot = raw().prepare('SELECT version, through_id FROM snapshots WHERE room = ?').get('r')
    expect(snapshot).toEqual({ version: 1, through_id: 3 })
    const stored = await store.load('r')
    expect(stored.updates).toEqual([])
    expect(docFrom(stored).getText('t').toString()).toBe('one two three')
  })

  it('lets sockets in between queued compactions, not only after the last', async () => {
    const order: string[] = []
    const store = open({
      async compactUpdates(parts) {
        order.push(`fold ${order.filter((entry) => entry.startsWith('fold')).length + 1}`)
        // What a socket's data would be: a callback of the next turn of the event loop.
        setImmediate(() => order.push('turn'))
        return compactUpdates(parts)
      },
    })
    const rooms = ['a', 'b', 'c']
    await store.append(
      rooms.flatMap((room) => typingUpdates(['one', ' two']).map((update) => ({ room, update }))),
    )
    await Promise.all(rooms.map((room) => store.compact(room)))
    // SQLite answers synchronously: chained by promises alone, the three folds ran in one turn.
    expect(order.slice(0, 4)).toEqual(['fold 1', 'turn', 'fold 2', 'turn'])
  })

  it('close waits for requested compactions, then checkpoints the WAL away', async () => {
    const store = open()
    await store.append(
      typingUpdates(['x'.repeat(COMPACT_OFF_THREAD_MIN_BYTES), '!']).map((update) => ({ room: 'r', update })),
    )
    const compaction = store.compact('r')
    await store.close()
    await compaction
    expect(fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0)
    const reopened = open()
    expect(await reopened.logSize('r')).toEqual({ rows: 0, bytes: 0 })
    expect(
      docFrom(await reopened.load('r'))
        .getText('t')
        .toString(),
    ).toHaveLength(COMPACT_OFF_THREAD_MIN_BYTES + 1)
  })

  describe('several processes on one file', () => {
    const children: ChildProcess[] = []
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
    })

    /**
     * Starts the writer fixture; `ready` resolves once it has opened the store, `go()` lets it
     * write, `exited` resolves with how it ended; `onAck` sees each acknowledged marker.
     */
    function startWriter(args: (string | number)[], onAck: (marker: number) => void = () => {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER_PROCESS, file, ...args.map(String)], {
        cwd: SERVER_DIR,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      children.push(child)
      let stderr = ''
      let buffered = ''
      let onReady = () => {}
      const ready = new Promise<void>((resolve) => {
        onReady = resolve
      })
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk
      })
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        for (const line of lines) {
          if (line === 'ready') onReady()
          else onAck(Number(line.replace('acked ', '')))
        }
      })
      const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
      )
      const go = () => child.stdin!.end('go\n')
      return { child, ready, go, exited }
    }

    function markers(stored: Awaited<ReturnType<SqliteStore['load']>>): string[] {
      return docFrom(stored).getArray<string>('marks').toArray()
    }

    it('two processes opening a fresh file together, then appending and compacting at once, lose no row', async () => {
      const count = 1500
      const spans = [11, 12].map(() => ({ first: Number.POSITIVE_INFINITY, last: 0 }))
      const writers = [11, 12].map((client, index) =>
        startWriter(['r', client, count, 3 + index, 5 + index], () => {
          const now = performance.now()
          spans[index]!.first = Math.min(spans[index]!.first, now)
          spans[index]!.last = now
        }),
      )
      // A writer that dies before it is ready fails the test instead of leaving it waiting.
      await Promise.race([
        Promise.all(writers.map((writer) => writer.ready)),
        ...writers.map((writer) => writer.exited.then((result) => expect.fail(result.stderr))),
      ])
      for (const writer of writers) writer.go()
      const results = await Promise.all(writers.map((writer) => writer.exited))
      for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 })
      // The point is concurrency: each writer was still running when the other began.
      expect(spans[0]!.first).toBeLessThan(spans[1]!.last)
      expect(spans[1]!.first).toBeLessThan(spans[0]!.last)
      const found = markers(await open().load('r'))
      const expected = [11, 12].flatMap((client) => Array.from({ length: count }, (_, n) => `${client}:${n}`))
      expect(found.toSorted()).toEqual(expected.toSorted())
    })

    it('every append acknowledged before a SIGKILL is there after restart', async () => {
      for (const [round, killAfter] of [37, 141, 263].entries()) {
        let acked = -1
        const writer = startWriter([`r${round}`, 20 + round, 100_000, 2, 25], (marker) => {
          acked = marker
          if (marker >= killAfter) writer.child.kill('SIGKILL')
        })
        await writer.ready
        writer.go()
        const { signal } = await writer.exited
        expect(signal).toBe('SIGKILL')
        const store = open()
        const found = new Set(markers(await store.load(`r${round}`)))
        const missing = Array.from({ length: acked + 1 }, (_, n) => `${20 + round}:${n}`).filter(
          (m) => !found.has(m),
        )
        expect(missing).toEqual([])
      }
    })
  })
})
