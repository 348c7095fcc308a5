/** Picks the DocumentStore implementation the configuration asks for. */
import type { Config } from '../config'
import type { DocumentStore } from './DocumentStore'
import { MemoryStore } from './memory/MemoryStore'
import { databaseFile, SqliteStore } from './sqlite/SqliteStore'

/**
 * `memory` keeps nothing across restarts; `postgres` (DATABASE_URL) keeps documents in PostgreSQL;
 * `sqlite` (the default) opens (and migrates) `DATA_DIR/tandem.db`. Throws StorageError when the
 * SQLite file cannot be opened. The Postgres store connects and migrates in the background: while
 * the database is unreachable its operations reject as `unavailable` and isHealthy() is false, so
 * /readyz reports it. The PostgreSQL code (pg, ~40 ms to import) loads only when it is chosen.
 */
export async function createDocumentStore(
  config: Pick<Config, 'store' | 'durability'>,
): Promise<DocumentStore> {
  const { store, durability } = config
  switch (store.kind) {
    case 'memory':
      return new MemoryStore()
    case 'postgres': {
      const { PostgresStore } = await import('./postgres/PostgresStore')
      return new PostgresStore(store.url, { durability })
    }
    case 'sqlite':
      return new SqliteStore(databaseFile(store.dataDir), { durability })
  }
}
