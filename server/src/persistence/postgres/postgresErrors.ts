/** Classifies errors from the `pg` client and the PostgreSQL server into StorageError kinds. */
import pg from 'pg'
import { StorageError } from '../StorageError'

/** SQLSTATEs that mean stored data is damaged (data_corrupted, index_corrupted). */
const CORRUPT_SQLSTATES = ['XX001', 'XX002']

/**
 * SQLSTATE classes (first two characters) that mean "cannot read or write now": connection
 * exceptions, invalid transaction state (a read-only standby after failover), authorization,
 * missing database, rollbacks (serialization, deadlock), insufficient resources (disk full,
 * too many connections), object state (lock timeout), operator intervention (statement timeout,
 * shutdown, starting up), system and internal errors.
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '25', '28', '3D', '40', '53', '55', '57', '58', 'XX']

/** Insufficient privilege: a misconfigured database user cannot write, which is an outage to us. */
const UNAVAILABLE_SQLSTATES = ['42501']

/**
 * Classifies an error thrown during `operation`. Server errors are classified by SQLSTATE:
 * integrity violations (a duplicate key) are `conflict`. Errors of the client itself (refused or
 * reset connections, connect and query timeouts, a terminated connection, an ended pool) are
 * `unavailable`. Anything else, such as a syntax error or a TypeError, is a bug and is returned
 * as it is so it is not disguised as an outage.
 */
export function toPostgresStorageError(error: unknown, operation: string): unknown {
  if (error instanceof StorageError) return error
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? ''
    const message = `${operation}: ${code}: ${error.message}`
    if (code.startsWith('23')) return new StorageError('conflict', message, { cause: error })
    if (CORRUPT_SQLSTATES.includes(code)) return new StorageError('corrupt', message, { cause: error })
    if (UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2)) || UNAVAILABLE_SQLSTATES.includes(code)) {
      return new StorageError('unavailable', message, { cause: error })
    }
    return error
  }
  if (isClientError(error)) {
    return new StorageError(
      'unavailable',
      `${operation}: database unreachable: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
  return error
}

/**
 * Network errors carry a Node system code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND...);
 * pg reports its own connection failures ("Connection terminated unexpectedly", "timeout
 * exceeded when trying to connect", "Query read timeout", "Cannot use a pool after calling end
 * on the pool") as plain Errors. Our own code throws StorageError or TypeError, never those.
 */
function isClientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return true
  return error.constructor === Error
}
