/** Opens a SQLite file the way the store needs it: private, in WAL mode, synchronous=NORMAL, migrated. */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { StorageError, toStorageError } from '../StorageError'
import { migrate } from './migrations'

/**
 * WAL pages after which a commit checkpoints them into the database file (SQLite's default is 1,000,
 * 4 MB). The checkpoint runs inside that commit, on the event loop, and fsyncs the database file:
 * under typing load (1,000 one-row commits a second) the default stalled the loop about every
 * 0.4 s for 1-5 ms, which every update waiting then carried (bench workload 1's p99). Ten times
 * the pages: the same CPU (a page written many times is copied once per checkpoint), 4-15x less
 * time blocked in 20,000 commits, and a WAL of up to ~40 MB on disk.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000

/**
 * Opens (creating if needed, directory included) the database at `file` and migrates it. Throws
 * StorageError when the file cannot be opened, WAL cannot be enabled or the schema is newer than
 * this code.
 */
export function openSqlite(file: string, busyTimeoutMs: number): Database.Database {
  createPrivateFile(file)
  let db: Database.Database | undefined
  try {
    db = new Database(file, { timeout: busyTimeoutMs })
    const opened = db
    // Switching to WAL can answer SQLITE_BUSY at once, without the busy handler, while another
    // process opens the same file: retry it within the busy timeout.
    const mode = retryWhileBusy(() => opened.pragma('journal_mode = WAL', { simple: true }), busyTimeoutMs)
    // WAL is what lets several processes read while one writes; without it (e.g. a network file
    // system) the concurrency guarantees do not hold, so refuse rather than degrade silently.
    if (mode !== 'wal') throw new StorageError('unavailable', `cannot enable WAL on ${file} (mode ${mode})`)
    // NORMAL: a commit writes its frames to the WAL without fsyncing it (about 20 us instead of a
    // blocking fsync); the durability the store promises comes from WalDurability (see WalSync).
    db.pragma('synchronous = NORMAL')
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
    migrate(db)
    return db
  } catch (error) {
    db?.close()
    throw toStorageError(error, `open ${file}`)
  }
}

/** The database holds share-key hashes and every document: readable by the server's user only. */
function createPrivateFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    // Created before SQLite opens it because SQLite gives -wal and -shm the main file's mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600))
  } catch (error) {
    throw new StorageError('unavailable', `cannot create ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

const BUSY_RETRY_MS = 10

/** Runs `fn` again while SQLite reports SQLITE_BUSY, until `timeoutMs` has passed. */
function retryWhileBusy<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return fn()
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY'
      if (!busy || Date.now() >= deadline) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_RETRY_MS)
    }
  }
}
