/**
 * How the PostgreSQL adapter runs its queries: a `pg` pool whose sessions carry the timeouts and
 * durability, the schema migrated in the background, a health probe, every failure a StorageError.
 */
import pg from 'pg'
import type { Durability } from '../DocumentStore'
import { StorageError } from '../StorageError'
import { toPostgresStorageError } from './postgresErrors'
import { migratePostgres } from './postgresMigrations'
import { PROBE_WRITABLE } from './postgresStatements'

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

export interface PostgresPoolOptions {
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

export class PostgresPool {
  readonly pool: pg.Pool
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
  constructor(url: string, options: PostgresPoolOptions = {}) {
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

  /** False after a failed operation (or probe) until a write or probe succeeds. */
  isHealthy(): boolean {
    return this.healthy
  }

  /** Stops the probe, waits for `compacted` and closes the pool's connections. */
  async close(compacted: Promise<void>): Promise<void> {
    this.closing = true
    clearInterval(this.probeTimer)
    await compacted
    await this.pool.end()
  }

  /** Runs one read statement; its first row, or null. */
  async selectOne<T extends pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
  ): Promise<T | null> {
    const { rows } = await this.run(operation, () => this.pool.query<T>(text, values))
    return rows[0] ?? null
  }

  /** Runs `fn` in one transaction on one pooled connection. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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
  async write<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const result = await this.run(operation, fn)
    this.healthy = true
    return result
  }

  /**
   * Runs `fn` once the schema is migrated, turning failures into StorageError. Any `unavailable`
   * failure, read or write, marks the store unhealthy: with a networked database a failing read
   * means the writes fail too.
   */
  async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
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
}
