/**
 * DocumentStore on one SQLite file: WAL, appends committed with synchronous=NORMAL and made durable
 * by an fdatasync off the event loop (WalSync), checksummed rows, optimistic compaction.
 */
import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { ROLES, type Role } from '@tandem/shared'
import Database from 'better-sqlite3'
import { compactUpdatesAdaptive } from './compactUpdates'
import type {
  DocumentRecord,
  DocumentStore,
  Durability,
  ShareKeyRecord,
  StoredDocument,
  UpdateEntry,
} from './DocumentStore'
import { migrate } from './migrations'
import { SerialQueue } from './SerialQueue'
import { StorageError, toStorageError } from './StorageError'
import { type BlobRow, prepareStatements, type ShareKeyRow, type SqliteStatements } from './sqliteStatements'
import { validateEntries } from './validateEntries'
import { WalSync } from './WalSync'

/** Name of the database file inside DATA_DIR. */
export const DATABASE_FILE_NAME = 'tandem.db'
/** Default wait for another process's lock before a statement fails with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000
/**
 * With `durability: 'process'` the WAL is synced this often (when anything was committed since the
 * last sync), so a power loss takes at most about this much.
 */
export const SQLITE_BACKGROUND_SYNC_MS = 1000

export interface SqliteStoreOptions {
  /** Default SQLITE_BUSY_TIMEOUT_MS. Note that the wait blocks the event loop (better-sqlite3 is synchronous). */
  readonly busyTimeoutMs?: number
  /**
   * Default `fsync`: `append` resolves once its commit is fdatasynced (survives SIGKILL, an OS crash
   * and a power loss). `process`: it resolves once the commit is with the OS (survives SIGKILL); the
   * WAL is synced every SQLITE_BACKGROUND_SYNC_MS, so a power loss can take the last second.
   */
  readonly durability?: Durability
  /** How the WAL is made durable; tests pass their own. Default: fdatasync of `<file>-wal` (WalSync). */
  readonly syncWal?: () => Promise<void>
  /** Folds a snapshot and its log into one update during compaction. Default: compactUpdatesAdaptive. */
  readonly compactUpdates?: (parts: readonly Uint8Array[]) => Promise<Uint8Array>
}

/** Path of the database file for a DATA_DIR. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME)
}

export class SqliteStore implements DocumentStore {
  private readonly db: Database.Database
  private readonly statements: SqliteStatements
  // IMMEDIATE takes the write lock up front: a deferred transaction that reads before writing can
  // fail with SQLITE_BUSY_SNAPSHOT when another process commits in between, and busy_timeout does
  // not retry that.
  private readonly appendTransaction: (entries: readonly UpdateEntry[]) => void
  private readonly durability: Durability
  private readonly walSync: WalSync
  private readonly syncWal: () => Promise<void>
  /** `process` durability: the background sync, and whether commits happened since the last one. */
  private readonly syncTimer: NodeJS.Timeout | undefined
  private unsynced = false
  private syncing: Promise<void> | null = null
  /** Syncs under way for `fsync` writes; close() waits for them before closing the WAL's descriptor. */
  private readonly syncs = new Set<Promise<void>>()
  /**
   * Set by the first failed sync, for good: after an fsync error the kernel may have dropped the
   * dirty pages and a later sync would report success for data that never reached the disk.
   */
  private syncFailure: StorageError | null = null
  private readonly replaceSnapshotTransaction: (
    room: string,
    compacted: Uint8Array,
    expectedVersion: number,
    throughId: number,
  ) => boolean
  private readonly readTransaction: (fn: () => unknown) => unknown
  private readonly compactUpdates: (parts: readonly Uint8Array[]) => Promise<Uint8Array>
  /** The queue of compactions (settles when the last one requested has); close() waits for it. */
  private readonly compactions = new SerialQueue()
  private healthy = true
  private closing: Promise<void> | null = null

  /**
   * Opens (creating if needed, directory included) the database at `file` and migrates it.
   * Throws StorageError when the file cannot be opened or its schema is newer than this code.
   */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    this.compactUpdates = options.compactUpdates ?? compactUpdatesAdaptive
    this.durability = options.durability ?? 'fsync'
    this.walSync = new WalSync(`${file}-wal`)
    this.syncWal = options.syncWal ?? (() => this.walSync.sync())
    createPrivateFile(file)
    let db: Database.Database | undefined
    try {
      const busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS
      db = new Database(file, { timeout: busyTimeoutMs })
      const opened = db
      // Switching to WAL can answer SQLITE_BUSY at once, without the busy handler, while another
      // process opens the same file: retry it within the busy timeout.
      const mode = retryWhileBusy(() => opened.pragma('journal_mode = WAL', { simple: true }), busyTimeoutMs)
      // WAL is what lets several processes read while one writes; without it (e.g. a network file
      // system) the concurrency guarantees do not hold, so refuse rather than degrade silently.
      if (mode !== 'wal') throw new StorageError('unavailable', `cannot enable WAL on ${file} (mode ${mode})`)
      // NORMAL: a commit writes its frames to the WAL without fsyncing it (about 20 us instead of a
      // blocking fsync); the durability the store promises comes from syncWal (see WalSync).
      db.pragma('synchronous = NORMAL')
      migrate(db)
      this.statements = prepareStatements(db)
      this.appendTransaction = db.transaction(this.appendAll.bind(this)).immediate
      this.replaceSnapshotTransaction = db.transaction(this.replaceSnapshot.bind(this)).immediate
      this.readTransaction = db.transaction((fn: () => unknown) => fn()).deferred
      this.db = db
    } catch (error) {
      db?.close()
      throw toStorageError(error, `open ${file}`)
    }
    if (this.durability === 'process') {
      this.syncTimer = setInterval(() => void this.backgroundSync(), SQLITE_BACKGROUND_SYNC_MS)
      this.syncTimer.unref()
    }
  }

  async load(room: string): Promise<StoredDocument> {
    // One read transaction: a compaction committed by another process between reading the
    // snapshot and reading the log would otherwise hide the rows it folded in.
    const { snapshot, rows } = this.read('load', () => this.readRoom(room))
    return {
      snapshot: snapshot ? checkedBytes(snapshot, room, 'snapshot') : null,
      updates: rows.map((row) => checkedBytes(row, room, `update ${row.id}`)),
    }
  }

  async append(entries: readonly UpdateEntry[]): Promise<void> {
    validateEntries(entries)
    if (entries.length === 0) return
    this.write('append', () => this.appendTransaction(entries))
    await this.durable('append')
  }

  /**
   * Reads snapshot + log, folds them outside any transaction (on a worker when large), then in one
   * write transaction stores the new snapshot and deletes exactly the rows folded in. If another
   * process compacted the room meanwhile (snapshot version moved), this compaction is dropped and
   * nothing changes. Rows appended meanwhile have larger ids (AUTOINCREMENT) and stay in the log.
   * Compactions of one store run one at a time, so unloading many large rooms at once starts one
   * worker, not hundreds.
   */
  async compact(room: string): Promise<void> {
    this.assertOpen('compact')
    return this.compactions.run(() => this.runCompaction(room))
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    return this.read('logSize', () => this.statements.selectLogSize.get(room)!)
  }

  async createDocument(record: DocumentRecord): Promise<void> {
    this.write('createDocument', () =>
      this.statements.insertDocument.run({
        id: record.id,
        title: record.title,
        created_at: record.createdAt,
        deleted_at: record.deletedAt,
      }),
    )
    await this.durable('createDocument')
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    const row = this.read('getDocument', () => this.statements.selectDocument.get(id))
    if (!row) return null
    return { id: row.id, title: row.title, createdAt: row.created_at, deletedAt: row.deleted_at }
  }

  async addShareKey(record: ShareKeyRecord): Promise<void> {
    this.write('addShareKey', () =>
      this.statements.insertShareKey.run({
        key_id: record.keyId,
        document_id: record.documentId,
        role: record.role,
        key_hash: record.keyHash,
        created_at: record.createdAt,
        revoked_at: record.revokedAt,
        created_by: record.createdBy,
      }),
    )
    await this.durable('addShareKey')
  }

  async findShareKey(documentId: string, keyHash: string): Promise<ShareKeyRecord | null> {
    const row = this.read('findShareKey', () => this.statements.selectShareKey.get(documentId, keyHash))
    return row ? toShareKeyRecord(row) : null
  }

  async getShareKey(documentId: string, keyId: string): Promise<ShareKeyRecord | null> {
    const row = this.read('getShareKey', () => this.statements.selectShareKeyById.get(documentId, keyId))
    return row ? toShareKeyRecord(row) : null
  }

  async listShareKeys(documentId: string): Promise<ShareKeyRecord[]> {
    const rows = this.read('listShareKeys', () => this.statements.selectShareKeysOfDocument.all(documentId))
    return rows.map(toShareKeyRecord)
  }

  async revokeShareKey(documentId: string, keyId: string): Promise<boolean> {
    const { changes } = this.write('revokeShareKey', () =>
      this.statements.revokeShareKey.run({ documentId, keyId, now: Date.now() }),
    )
    // A revocation that a power loss could undo would let the link work again.
    await this.durable('revokeShareKey')
    return changes > 0
  }

  isHealthy(): boolean {
    return this.healthy && this.syncFailure === null && this.closing === null
  }

  /** Waits for requested compactions, checkpoints the WAL into the main file and closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeWhenIdle()
    return this.closing
  }

  private async closeWhenIdle(): Promise<void> {
    clearInterval(this.syncTimer)
    await this.compactions.idle()
    await this.backgroundSync()
    await Promise.allSettled(this.syncs)
    this.walSync.close()
    try {
      // PASSIVE never waits: with other processes still on the file a blocking mode could hold
      // shutdown for the whole busy timeout. The last connection to close checkpoints fully and
      // deletes the WAL by itself, leaving tandem.db complete on its own.
      this.db.pragma('wal_checkpoint(PASSIVE)')
    } finally {
      this.db.close()
    }
  }

  /**
   * Makes a committed write as durable as promised: with `fsync`, resolves once the WAL is synced;
   * with `process`, leaves it to the background sync. Rejects (`unavailable`) once any sync failed.
   */
  private async durable(operation: string): Promise<void> {
    if (this.durability === 'process') {
      this.unsynced = true
      return
    }
    this.assertSynced(operation)
    const sync = this.syncWal()
    this.syncs.add(sync)
    try {
      await sync
    } catch (error) {
      // Committed, maybe not on disk: refused, so this batch is applied and shown nowhere now.
      this.failSync(error)
      this.assertSynced(operation)
    } finally {
      this.syncs.delete(sync)
    }
  }

  /** `process` durability: syncs the WAL when anything was committed since the last sync. */
  private backgroundSync(): Promise<void> {
    if (this.syncing || !this.unsynced || this.syncFailure) return this.syncing ?? Promise.resolve()
    this.unsynced = false
    this.syncing = this.syncWal()
      .catch((error: unknown) => this.failSync(error))
      .finally(() => {
        this.syncing = null
      })
    return this.syncing
  }

  private failSync(error: unknown): void {
    this.syncFailure ??= new StorageError(
      'unavailable',
      `syncing the WAL failed (${(error as Error).message}); writes are refused until the server restarts`,
      { cause: error },
    )
  }

  private assertSynced(operation: string): void {
    if (this.syncFailure) throw new StorageError('unavailable', `${operation}: ${this.syncFailure.message}`)
  }

  private appendAll(entries: readonly UpdateEntry[]): void {
    for (const { room, update } of entries) this.statements.insertUpdate.run(room, update, crc32(update))
  }

  private readRoom(room: string) {
    return {
      snapshot: this.statements.selectSnapshot.get(room),
      rows: this.statements.selectUpdates.all(room),
    }
  }

  /** Returns false, changing nothing, when another process replaced the snapshot since it was read. */
  private replaceSnapshot(
    room: string,
    compacted: Uint8Array,
    expectedVersion: number,
    throughId: number,
  ): boolean {
    const { changes } = this.statements.replaceSnapshot.run({
      room,
      data: compacted,
      crc32: crc32(compacted),
      expectedVersion,
      throughId,
      now: Date.now(),
    })
    if (changes === 0) return false
    this.statements.deleteUpdatesThrough.run(room, throughId)
    return true
  }

  private async runCompaction(room: string): Promise<void> {
    // query() and commit(), not read() and write(): close() waits for queued compactions, so they
    // must still run while the store is closing.
    const { snapshot, rows } = this.query('compact', () => this.readRoom(room))
    const last = rows.at(-1)
    if (!last) return
    // Verified before folding: a corrupt row must never be folded into a snapshot and deleted.
    const parts = rows.map((row) => checkedBytes(row, room, `update ${row.id}`))
    if (snapshot) parts.unshift(checkedBytes(snapshot, room, 'snapshot'))
    const compacted = await this.compactUpdates(parts)
    const expectedVersion = snapshot?.version ?? 0
    this.commit('compact', () => this.replaceSnapshotTransaction(room, compacted, expectedVersion, last.id))
  }

  /** Runs a read in one transaction, so multi-statement reads see one consistent state. */
  private read<T>(operation: string, fn: () => T): T {
    this.assertOpen(operation)
    return this.query(operation, fn)
  }

  private query<T>(operation: string, fn: () => T): T {
    try {
      return this.readTransaction(fn) as T
    } catch (error) {
      throw toStorageError(error, operation)
    }
  }

  /** Runs a write; a failure other than a key conflict marks the store unhealthy until a write succeeds. */
  private write<T>(operation: string, fn: () => T): T {
    this.assertOpen(operation)
    this.assertSynced(operation)
    return this.commit(operation, fn)
  }

  private commit<T>(operation: string, fn: () => T): T {
    try {
      const result = fn()
      this.healthy = true
      return result
    } catch (error) {
      const wrapped = toStorageError(error, operation)
      if (!(wrapped instanceof StorageError && wrapped.kind === 'conflict')) this.healthy = false
      throw wrapped
    }
  }

  private assertOpen(operation: string): void {
    if (this.closing) throw new StorageError('unavailable', `${operation}: store is closed`)
  }
}

/**
 * Returns the row's bytes after checking them against the CRC-32 stored beside them. SQLite does
 * not checksum its pages, so this is what catches bit rot and bytes changed outside the store;
 * CRC-32 detects every burst error up to 32 bits at ~1 ms per 5 MB. Structurally invalid updates
 * that were stored with a matching checksum still fail later, when the room applies them.
 */
function checkedBytes(row: BlobRow, room: string, what: string): Uint8Array {
  const { data } = row
  if (!(data instanceof Uint8Array) || crc32(data) !== row.crc32) {
    throw new StorageError(
      'corrupt',
      `room ${JSON.stringify(room)}: ${what} fails its checksum; left untouched`,
    )
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function toShareKeyRecord(row: ShareKeyRow): ShareKeyRecord {
  if (!(ROLES as readonly string[]).includes(row.role)) {
    throw new StorageError('corrupt', `share key ${row.key_id}: unknown role ${JSON.stringify(row.role)}`)
  }
  return {
    keyId: row.key_id,
    documentId: row.document_id,
    role: row.role as Role,
    keyHash: row.key_hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    createdBy: row.created_by,
  }
}

/** The database holds share-key hashes and every document: readable by the server's user only. */
function createPrivateFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    // Created before SQLite opens it because SQLite gives -wal and -shm the main file's mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600))
  } catch (error) {
    throw new StorageError('unavailable', `cannot create ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

const BUSY_RETRY_MS = 10

/** Runs `fn` again while SQLite reports SQLITE_BUSY, until `timeoutMs` has passed. */
function retryWhileBusy<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return fn()
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY'
      if (!busy || Date.now() >= deadline) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_RETRY_MS)
    }
  }
}
