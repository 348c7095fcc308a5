/**
 * DocumentStore on one SQLite file: RowStore over SqliteDatabase (WAL, appends committed with
 * synchronous=NORMAL and made durable by an fdatasync off the event loop, checksummed rows).
 */
import path from 'node:path'
import { type FoldUpdates, RowStore } from '../RowStore'
import { SqliteDatabase, type SqliteDatabaseOptions } from './SqliteDatabase'

/** Name of the database file inside DATA_DIR. */
export const DATABASE_FILE_NAME = 'tandem.db'

export interface SqliteStoreOptions extends SqliteDatabaseOptions {
  /** Folds a snapshot and its log into one update during compaction. Default: compactUpdatesAdaptive. */
  readonly compactUpdates?: FoldUpdates
}

/** Path of the database file for a DATA_DIR. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME)
}

export class SqliteStore extends RowStore {
  /**
   * Opens (creating if needed, directory included) the database at `file` and migrates it.
   * Throws StorageError when the file cannot be opened or its schema is newer than this code.
   */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    super(new SqliteDatabase(file, options), options.compactUpdates)
  }
}
