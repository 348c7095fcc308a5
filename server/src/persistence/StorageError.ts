/** The one error type every DocumentStore throws for storage failures, classified by what a caller can do. */

/**
 * - `unavailable`: the store cannot read or write right now (disk full, read-only, locked, closed,
 *   database unreachable); retrying later may work. Rooms close with STORAGE_UNAVAILABLE (4503).
 * - `corrupt`: stored data failed its integrity check or the database file is damaged; the data is
 *   left untouched. A room that cannot load closes with ROOM_LOAD_FAILED (4500).
 * - `conflict`: a record with this key already exists (caller bug or id collision); nothing changed.
 */
export const STORAGE_ERROR_KINDS = ['unavailable', 'corrupt', 'conflict'] as const
export type StorageErrorKind = (typeof STORAGE_ERROR_KINDS)[number]

export class StorageError extends Error {
  override name = 'StorageError'

  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** SQLite result codes (primary or extended) that mean the file itself is damaged. */
const CORRUPT_SQLITE_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB']

/**
 * Classifies an error thrown by better-sqlite3 during `operation`. Errors that are not SQLite's
 * (programming errors) are returned as they are, so bugs are not disguised as outages.
 */
export function toStorageError(error: unknown, operation: string): unknown {
  if (error instanceof StorageError) return error
  const code = sqliteCode(error)
  if (code === undefined) {
    if (isClosedConnectionError(error)) {
      return new StorageError('unavailable', `${operation}: store is closed`, { cause: error })
    }
    return error
  }
  const message = `${operation}: ${code}: ${(error as Error).message}`
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StorageError('conflict', message, { cause: error })
  if (CORRUPT_SQLITE_CODES.some((corrupt) => code.startsWith(corrupt))) {
    return new StorageError('corrupt', message, { cause: error })
  }
  return new StorageError('unavailable', message, { cause: error })
}

function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'SqliteError') return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** better-sqlite3 throws a plain TypeError, not a SqliteError, when the connection was closed. */
function isClosedConnectionError(error: unknown): boolean {
  return error instanceof TypeError && error.message.includes('database connection is not open')
}
