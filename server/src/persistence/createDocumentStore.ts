/** Picks the DocumentStore implementation the configuration asks for. */
import type { Config } from '../config'
import type { DocumentStore } from './DocumentStore'
import { MemoryStore } from './MemoryStore'
import { PostgresStore } from './PostgresStore'
import { databaseFile, SqliteStore } from './SqliteStore'

/**
 * `storage: 'memory'` keeps nothing across restarts; otherwise `databaseUrl` (DATABASE_URL) selects
 * PostgreSQL, and without it `storage: 'sqlite'` (the default) opens (and migrates)
 * `DATA_DIR/tandem.db`. Throws StorageError when the SQLite file cannot be opened. The Postgres
 * store connects and migrates in the background: while the database is unreachable its
 * operations reject as `unavailable` and isHealthy() is false, so /readyz reports it.
 */
export function createDocumentStore(
  config: Pick<Config, 'storage' | 'dataDir' | 'databaseUrl'>,
): DocumentStore {
  if (config.storage === 'memory') return new MemoryStore()
  if (config.databaseUrl !== undefined) return new PostgresStore(config.databaseUrl)
  return new SqliteStore(databaseFile(config.dataDir))
}
