/** DocumentStore on PostgreSQL: RowStore over PostgresDatabase (queries) and PostgresPool (sessions, group-committed appends, checksummed rows). */
import { type FoldUpdates, RowStore } from '../RowStore'
import { PostgresDatabase } from './PostgresDatabase'
import type { PostgresPoolOptions } from './PostgresPool'

export interface PostgresStoreOptions extends PostgresPoolOptions {
  /** Folds a snapshot and its log into one update during compaction. Default: compactUpdatesAdaptive. */
  readonly compactUpdates?: FoldUpdates
}

export class PostgresStore extends RowStore {
  private readonly database: PostgresDatabase

  /**
   * Creates the pool and starts migrating the schema in the background: nothing connects
   * synchronously, so a node starts (and reports not ready) while the database is down.
   */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    const database = new PostgresDatabase(url, options)
    super(database, options.compactUpdates)
    this.database = database
  }

  /** Resolves once the schema is migrated; rejects (StorageError) when the database cannot be reached or is newer. */
  ready(): Promise<void> {
    return this.database.pg.ready()
  }
}
