/**
 * The PostgreSQL adapter of the update-log and catalog ports, through a `pg` pool: group-committed
 * appends, the schema migrated in the background, a health probe, every failure a StorageError.
 */
import pg from 'pg'
import type { Durability, UpdateEntry } from '../DocumentStore'
import type { StoreAdapter } from '../RowStore'
import { type DocumentRow, type ShareKeyRow, writeChecksum } from '../rowCodec'
import { StorageError } from '../StorageError'
import type { LogRow, RowNumber, StoredRoom } from '../UpdateLog'
import { toPostgresStorageError } from './postgresErrors'
import { migratePostgres } from './postgresMigrations'
import * as sql from './postgresStatements'

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

export interface PostgresDatabaseOptions {
  /** Default POSTGRES_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number
  /** Default POSTGRES_STATEMENT_TIMEOUT_MS. */
  readonly statementTimeoutMs?: number
  /** Default POSTGRES_POOL_SIZE. */
  readonly poolSize?: number
  /** Default POSTGRES_HEALTH_PROBE_INTERVAL_MS; 0 turns the probe off. */
  readonly healthProbeIntervalMs?: number
  /**
   * Default `fsync`: the server's own `synchronous_commit` (on unless the operator changed it): a
   * commit is flushed to the database's WAL before it returns. `process`: `synchronous_commit = off`
   * for Tandem's sessions: the commit returns once the database has it in memory, which survives a
   * kill of Tandem; a crash of the database server can lose its last ~0.6 s (3 x wal_writer_delay).
   */
  readonly durability?: Durability
}

export class PostgresDatabase implements StoreAdapter {
  private readonly pool: pg.Pool
  private readonly probeTimer: NodeJS.Timeout | undefined
  /** The schema migration; reset when it fails so the next operation tries again. */
  private migration: Promise<void> | undefined
  private probing = false
  private closing = false
  private healthy = true

  /**
   * Creates the pool and starts migrating the schema in the background: nothing connects
   * synchronously, so a node starts (and reports not ready) while the database is down. Every
   * operation waits for the migration, retrying it if it failed.
   */
  constructor(url: string, options: PostgresDatabaseOptions = {}) {
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

  async readRoom(room: string): Promise<StoredRoom> {
    const { rows } = await this.run('readRoom', () => this.pool.query<sql.StoredRow>(sql.SELECT_ROOM, [room]))
    // The snapshot (id null) comes first, then the log in id order.
    const first = rows[0]
    const snapshot =
      first && first.id === null ? { data: first.data, crc32: first.crc32, version: first.version! } : null
    const log = rows.flatMap((row) =>
      row.id === null ? [] : [{ id: row.id, data: row.data, crc32: row.crc32 }],
    )
    return { snapshot, log }
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<void> {
    // Copied now: the caller may reuse its buffers while the batch waits for a connection.
    const rows = entries.map(
      ({ room, update }) => [room, Buffer.from(update), writeChecksum(update) | 0] as const,
    )
    await this.write('append', async () => {
      if (rows.length <= sql.MAX_ROWS_PER_INSERT) {
        // One statement is one implicit transaction: one round trip commits the whole batch.
        await this.pool.query(sql.insertUpdates(rows.length), rows.flat())
        return
      }
      await this.transaction(async (client) => {
        for (let start = 0; start < rows.length; start += sql.MAX_ROWS_PER_INSERT) {
          const chunk = rows.slice(start, start + sql.MAX_ROWS_PER_INSERT)
          await client.query(sql.insertUpdates(chunk.length), chunk.flat())
        }
      })
    })
  }

  async replaceSnapshot(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: RowNumber | null,
    folded: readonly LogRow[],
  ): Promise<void> {
    // Deletes the folded ids themselves: sequence values commit out of order, so a row with a
    // smaller id than the last folded one may have committed after the compaction read the log.
    await this.write('compact', () =>
      this.pool.query(sql.REPLACE_SNAPSHOT, [
        room,
        Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength),
        writeChecksum(snapshot) | 0,
        String(expectedVersion ?? 0),
        Date.now(),
        folded.map((row) => row.id),
      ]),
    )
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    const { rows } = await this.run('logSize', () =>
      this.pool.query<{ rows: number; bytes: string }>(sql.SELECT_LOG_SIZE, [room]),
    )
    return { rows: rows[0]!.rows, bytes: Number(rows[0]!.bytes) }
  }

  async insertDocument(row: DocumentRow): Promise<void> {
    await this.write('createDocument', () =>
      this.pool.query(sql.INSERT_DOCUMENT, [row.id, row.title, row.created_at, row.deleted_at]),
    )
  }

  async selectDocument(id: string): Promise<DocumentRow | null> {
    return this.selectOne('getDocument', sql.SELECT_DOCUMENT, [id])
  }

  async insertShareKey(row: ShareKeyRow): Promise<void> {
    await this.write('addShareKey', () =>
      this.pool.query(sql.INSERT_SHARE_KEY, [
        row.key_id,
        row.document_id,
        row.role,
        row.key_hash,
        row.created_at,
        row.revoked_at,
        row.created_by,
      ]),
    )
  }

  async selectShareKey(documentId: string, keyHash: string): Promise<ShareKeyRow | null> {
    return this.selectOne('findShareKey', sql.SELECT_SHARE_KEY, [documentId, keyHash])
  }

  async selectShareKeyById(documentId: string, keyId: string): Promise<ShareKeyRow | null> {
    return this.selectOne('getShareKey', sql.SELECT_SHARE_KEY_BY_ID, [documentId, keyId])
  }

  async selectShareKeysOfDocument(documentId: string): Promise<readonly ShareKeyRow[]> {
    const { rows } = await this.run('listShareKeys', () =>
      this.pool.query<ShareKeyRow>(sql.SELECT_SHARE_KEYS_OF_DOCUMENT, [documentId]),
    )
    return rows
  }

  async revokeShareKey(documentId: string, keyId: string, now: number): Promise<boolean> {
    const { rowCount } = await this.write('revokeShareKey', () =>
      this.pool.query(sql.REVOKE_SHARE_KEY, [documentId, keyId, now]),
    )
    return (rowCount ?? 0) > 0
  }

  isHealthy(): boolean {
    return this.healthy
  }

  /** Stops the probe, waits for compactions and closes the pool's connections. */
  async close(compacted: Promise<void>): Promise<void> {
    this.closing = true
    clearInterval(this.probeTimer)
    await compacted
    await this.pool.end()
  }

  private async selectOne<T extends pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
  ): Promise<T | null> {
    const { rows } = await this.run(operation, () => this.pool.query<T>(text, values))
    return rows[0] ?? null
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

  /** Runs a write; success marks the store healthy (failures mark it unhealthy in run()). */
  private async write<T>(operation: string, fn: () => Promise<T>): Promise<T> {
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
      await this.run('probe', () => this.pool.query(sql.PROBE_WRITABLE))
      this.healthy = true
    } catch {
      // run() marked the store unhealthy; callers of real operations get the error itself.
    } finally {
      this.probing = false
    }
  }
}
