/** Picks the DocumentStore implementation the configuration asks for. */
import type { Config } from '../config'
import type { DocumentStore } from './DocumentStore'
import { MemoryStore } from './MemoryStore'
import { databaseFile, SqliteStore } from './SqliteStore'

/**
 * `storage: 'sqlite'` opens (and migrates) `DATA_DIR/tandem.db`; `'memory'` keeps nothing across
 * restarts. Throws StorageError when the database cannot be opened.
 */
export function createDocumentStore(config: Pick<Config, 'storage' | 'dataDir'>): DocumentStore {
  switch (config.storage) {
    case 'sqlite':
      return new SqliteStore(databaseFile(config.dataDir))
    case 'memory':
      return new MemoryStore()
  }
}
