/** DocumentStore on PostgreSQL through a `pg` pool: group-committed appends, checksummed rows, optimistic compaction. */
import { crc32 } from 'node:zlib'
import pg from 'pg'
import { compactUpdatesAdaptive } from './compactUpdates'
import type {
  DocumentRecord,
  DocumentStore,
  Durability,
  ShareKeyRecord,
  StoredDocument,
  UpdateEntry,
} from './DocumentStore'
import { toPostgresStorageError } from './postgresErrors'
import { migratePostgres } from './postgresMigrations'
import { toDocumentRecord, toShareKeyRecord, toStoredDocument } from './postgresRows'
import {
  type DocumentRow,
  INSERT_DOCUMENT,
  INSERT_SHARE_KEY,
  insertUpdates,
  MAX_ROWS_PER_INSERT,
  PROBE_WRITABLE,
  REPLACE_SNAPSHOT,
  REVOKE_SHARE_KEY,
  SELECT_DOCUMENT,
  SELECT_LOG_SIZE,
  SELECT_ROOM,
  SELECT_SHARE_KEY,
  SELECT_SHARE_KEY_BY_ID,
  SELECT_SHARE_KEYS_OF_DOCUMENT,
  type ShareKeyRow,
  type StoredRow,
} from './postgresStatements'
import { SerialQueue } from './SerialQueue'
import { StorageError } from './StorageError'
import { validateEntries } from './validateEntries'

/** Default wait for a connection (new, or free in the pool) before an operation fails as unavailable. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 3000
/**
 * Default limit on one statement, enforced by the server (statement_timeout) and, a little later,
 * by the client (query_timeout) for when the server or the network stops answering altogether.
 * Generous next to the milliseconds an append takes; a 5 MB snapshot still loads well within it.
 */
export const POSTGRES_STATEMENT_TIMEOUT_MS = 10_000
/** How much later than the server the client gives up on a statement. */
const CLIENT_TIMEOUT_MARGIN_MS = 2000
/** A session that dies inside a transaction releases its locks after this long. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000
/** Default pool size per node. */
export const POSTGRES_POOL_SIZE = 10
/** Default interval of the health probe, which lets /readyz notice an outage and a recovery with no traffic. */
export const POSTGRES_HEALTH_PROBE_INTERVAL_MS = 2000

export interface PostgresStoreOptions {
  /** Default POSTGRES_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number
  /** Default POSTGRES_STATEMENT_TIMEOUT_MS. */
  readonly statementTimeoutMs?: number
  /** Default POSTGRES_POOL_SIZE. */
  readonly poolSize?: number
  /** Default POSTGRES_HEALTH_PROBE_INTERVAL_MS; 0 turns the probe off. */
  readonly healthProbeIntervalMs?: number
  /** Folds a snapshot and its log into one update during compaction. Default: compactUpdatesAdaptive. */
  readonly compactUpdates?: (parts: readonly Uint8Array[]) => Promise<Uint8Array>
  /**
   * Default `fsync`: the server's own `synchronous_commit` (on unless the operator changed it): a
   * commit is flushed to the database's WAL before it returns. `process`: `synchronous_commit = off`
   * for Tandem's sessions: the commit returns once the database has it in memory, which survives a
   * kill of Tandem; a crash of the database server can lose its last ~0.6 s (3 x wal_writer_delay).
   */
  readonly durability?: Durability
}

export class PostgresStore implements DocumentStore {
  private readonly pool: pg.Pool
  private readonly compactUpdates: (parts: readonly Uint8Array[]) => Promise<Uint8Array>
  private readonly probeTimer: NodeJS.Timeout | undefined
  /** The schema migration; reset when it fails so the next operation tries again. */
  private migration: Promise<void> | undefined
  /** The queue of compactions (settles when the last one requested has); close() waits for it. */
  private readonly compactions = new SerialQueue()
  private probing = false
  private healthy = true
  private closing: Promise<void> | null = null

  /**
   * Creates the pool and starts migrating the schema in the background: nothing connects
   * synchronously, so a node starts (and reports not ready) while the database is down. Every
   * operation waits for the migration, retrying it if it failed.
   */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.compactUpdates = options.compactUpdates ?? compactUpdatesAdaptive
    const statementTimeoutMs = options.statementTimeoutMs ?? POSTGRES_STATEMENT_TIMEOUT_MS
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? POSTGRES_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'tandem',
      // Set for every session at its start: the startup packet carries it, no extra round trip.
      ...(options.durability === 'process' ? { options: '-c synchronous_commit=off' } : {}),
    })
    // An idle connection that breaks (server restart, network) is reported here; without a
    // listener the 'error' event would crash the process. The pool drops the connection itself.
    this.pool.on('error', () => {
      this.healthy = false
    })
    this.migration = this.startMigration()
    const probeIntervalMs = options.healthProbeIntervalMs ?? POSTGRES_HEALTH_PROBE_INTERVAL_MS
    if (probeIntervalMs > 0) {
      this.probeTimer = setInterval(() => void this.probe(), probeIntervalMs)
      this.probeTimer.unref()
    }
  }

  /** Resolves once the schema is migrated; rejects (StorageError) when the database cannot be reached or is newer. */
  async ready(): Promise<void> {
    await this.run('migrate', async () => {})
  }

  async load(room: string): Promise<StoredDocument> {
    const rows = await this.read('load', () => this.readRoom(room))
    return toStoredDocument(room, rows)
  }

  async append(entries: readonly UpdateEntry[]): Promise<void> {
    validateEntries(entries)
    this.assertOpen('append')
    if (entries.length === 0) return
    // Copied now: the caller may reuse its buffers while the batch waits for a connection.
    const rows = entries.map(({ room, update }) => [room, Buffer.from(update), crc32(update) | 0] as const)
    await this.write('append', async () => {
      if (rows.length <= MAX_ROWS_PER_INSERT) {
        // One statement is one implicit transaction: one round trip commits the whole batch.
        await this.pool.query(insertUpdates(rows.length), rows.flat())
        return
      }
      await this.transaction(async (client) => {
        for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
          const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT)
          await client.query(insertUpdates(chunk.length), chunk.flat())
        }
      })
    })
  }

  /**
   * Reads snapshot + log in one statement, folds them outside any transaction (on a worker when
   * large), then in one statement stores the new snapshot if no other node replaced it meanwhile
   * (version check) and deletes exactly the rows folded in. Rows appended meanwhile, whatever
   * their ids, stay in the log. Compactions of one store run one at a time, so unloading many
   * large rooms at once starts one worker, not hundreds.
   */
  async compact(room: string): Promise<void> {
    this.assertOpen('compact')
    return this.compactions.run(() => this.runCompaction(room))
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    const { rows } = await this.read('logSize', () =>
      this.pool.query<{ rows: number; bytes: string }>(SELECT_LOG_SIZE, [room]),
    )
    return { rows: rows[0]!.rows, bytes: Number(rows[0]!.bytes) }
  }

  async createDocument(record: DocumentRecord): Promise<void> {
    await this.write('createDocument', () =>
      this.pool.query(INSERT_DOCUMENT, [record.id, record.title, record.createdAt, record.deletedAt]),
    )
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    const { rows } = await this.read('getDocument', () => this.pool.query<DocumentRow>(SELECT_DOCUMENT, [id]))
    return rows[0] ? toDocumentRecord(rows[0]) : null
  }

  async addShareKey(record: ShareKeyRecord): Promise<void> {
    await this.write('addShareKey', () =>
      this.pool.query(INSERT_SHARE_KEY, [
        record.keyId,
        record.documentId,
        record.role,
        record.keyHash,
        record.createdAt,
        record.revokedAt,
        record.createdBy,
      ]),
    )
  }

  async findShareKey(documentId: string, keyHash: string): Promise<ShareKeyRecord | null> {
    const { rows } = await this.read('findShareKey', () =>
      this.pool.query<ShareKeyRow>(SELECT_SHARE_KEY, [documentId, keyHash]),
    )
    return rows[0] ? toShareKeyRecord(rows[0]) : null
  }

  async getShareKey(documentId: string, keyId: string): Promise<ShareKeyRecord | null> {
    const { rows } = await this.read('getShareKey', () =>
      this.pool.query<ShareKeyRow>(SELECT_SHARE_KEY_BY_ID, [documentId, keyId]),
    )
    return rows[0] ? toShareKeyRecord(rows[0]) : null
  }

  async listShareKeys(documentId: string): Promise<ShareKeyRecord[]> {
    const { rows } = await this.read('listShareKeys', () =>
      this.pool.query<ShareKeyRow>(SELECT_SHARE_KEYS_OF_DOCUMENT, [documentId]),
    )
    return rows.map(toShareKeyRecord)
  }

  async revokeShareKey(documentId: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.write('revokeShareKey', () =>
      this.pool.query(REVOKE_SHARE_KEY, [documentId, keyId, Date.now()]),
    )
    return (rowCount ?? 0) > 0
  }

  isHealthy(): boolean {
    return this.healthy && this.closing === null
  }

  /** Waits for requested compactions, stops the probe and closes the pool's connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeWhenIdle()
    return this.closing
  }

  private async closeWhenIdle(): Promise<void> {
    clearInterval(this.probeTimer)
    await this.compactions.idle()
    await this.pool.end()
  }

  private async readRoom(room: string): Promise<StoredRow[]> {
    return (await this.pool.query<StoredRow>(SELECT_ROOM, [room])).rows
  }

  private async runCompaction(room: string): Promise<void> {
    // run(), not read() and write(): close() waits for queued compactions, so they must still run
    // while the store is closing.
    const rows = await this.run('compact', () => this.readRoom(room))
    const log = rows.filter((row) => row.id !== null)
    if (log.length === 0) return
    // Verified before folding: a corrupt row must never be folded into a snapshot and deleted.
    const stored = toStoredDocument(room, rows)
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
    const compacted = await this.compactUpdates(parts)
    const expectedVersion = rows[0]!.id === null ? rows[0]!.version! : '0'
    await this.run('compact', () =>
      this.pool.query(REPLACE_SNAPSHOT, [
        room,
        Buffer.from(compacted.buffer, compacted.byteOffset, compacted.byteLength),
        crc32(compacted) | 0,
        expectedVersion,
        Date.now(),
        log.map((row) => row.id),
      ]),
    )
    this.healthy = true
  }

  /** Runs `fn` in one transaction on one pooled connection. */
  private transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    })
  }

  /**
   * Runs `fn` on a connection of its own; after a failure the connection is destroyed, not reused,
   * which also rolls back whatever transaction it had open. A checked-out pg client emits 'error'
   * when its connection breaks, even between statements, and an 'error' event without a listener
   * would crash the process: the listener only marks health, since the statement rejects anyway.
   */
  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    const onError = () => {
      this.healthy = false
    }
    client.on('error', onError)
    try {
      const result = await fn(client)
      client.removeListener('error', onError)
      client.release()
      return result
    } catch (error) {
      client.removeListener('error', onError)
      client.release(error instanceof Error ? error : true)
      throw error
    }
  }

  private read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen(operation)
    return this.run(operation, fn)
  }

  /** Runs a write; success marks the store healthy (failures mark it unhealthy in run()). */
  private async write<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen(operation)
    const result = await this.run(operation, fn)
    this.healthy = true
    return result
  }

  /**
   * Runs `fn` once the schema is migrated, turning failures into StorageError. Any `unavailable`
   * failure, read or write, marks the store unhealthy: with a networked database a failing read
   * means the writes fail too.
   */
  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.migrated()
      return await fn()
    } catch (error) {
      const wrapped = toPostgresStorageError(error, operation)
      if (wrapped instanceof StorageError && wrapped.kind === 'unavailable') this.healthy = false
      throw wrapped
    }
  }

  private migrated(): Promise<void> {
    this.migration ??= this.startMigration()
    return this.migration
  }

  private startMigration(): Promise<void> {
    const migration = this.withClient(async (client) => {
      await migratePostgres(client)
    })
    migration.catch(() => {
      // Retried by the next operation (or probe), which reports the error to its caller.
      if (this.migration === migration) this.migration = undefined
    })
    return migration
  }

  /** Checks that the database takes writes, so health follows an outage and its end without traffic. */
  private async probe(): Promise<void> {
    if (this.probing || this.closing) return
    this.probing = true
    try {
      await this.run('probe', () => this.pool.query(PROBE_WRITABLE))
      this.healthy = true
    } catch {
      // run() marked the store unhealthy; callers of real operations get the error itself.
    } finally {
      this.probing = false
    }
  }

  private assertOpen(operation: string): void {
    if (this.closing) throw new StorageError('unavailable', `${operation}: store is closed`)
  }
}
