/** Online backup of the SQLite database through SQLite's backup API, safe while servers keep writing. */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { StorageError, toStorageError } from '../StorageError'
import { SQLITE_BUSY_TIMEOUT_MS } from './SqliteDatabase'

/** Pages per backup step: all of them, so the copy is one consistent read instead of restarting
 * every time another connection commits between two small steps. */
const ALL_PAGES = 0x7fffffff

export interface BackupResult {
  readonly pages: number
}

/**
 * Copies the database at `source` (which must exist) into a new file `destination` (mode 0600),
 * then checks the copy with `PRAGMA integrity_check`. Refuses to overwrite an existing file; on
 * failure no partial copy is left behind. Throws StorageError.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  try {
    fs.closeSync(fs.openSync(destination, 'wx', 0o600))
  } catch (error) {
    throw new StorageError('unavailable', `cannot create ${destination}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    const db = new Database(source, { fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS })
    let pages: number
    try {
      ;({ totalPages: pages } = await db.backup(destination, { progress: () => ALL_PAGES }))
    } finally {
      db.close()
    }
    checkIntegrity(destination)
    return { pages }
  } catch (error) {
    fs.rmSync(destination, { force: true })
    throw toStorageError(error, `backup ${source}`)
  }
}

function checkIntegrity(file: string): void {
  const copy = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const result = copy.pragma('integrity_check', { simple: true })
    if (result !== 'ok') throw new StorageError('corrupt', `backup ${file} fails integrity_check: ${result}`)
  } finally {
    copy.close()
  }
}
