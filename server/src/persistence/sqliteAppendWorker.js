/**
 * Worker thread body of SqliteAppender: appends batches of updates on a connection of its own, so
 * the commit (and its fsync) never blocks the event loop. Plain JS so it loads under node, tsx and
 * vitest alike; the SQL comes from sqliteStatements.ts through workerData, written once.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { crc32 } from 'node:zlib'
import Database from 'better-sqlite3'

const { file, busyTimeoutMs, synchronous, insertSql, syncIntervalMs } = workerData
const db = new Database(file, { timeout: busyTimeoutMs })
db.pragma(`synchronous = ${synchronous}`)
const insert = db.prepare(insertSql)
// IMMEDIATE: takes the write lock up front (see SqliteStore's transactions).
const appendAll = db.transaction((entries) => {
  for (const { room, update } of entries) insert.run(room, update, crc32(update))
}).immediate

/** Whether commits happened since the last background sync (synchronous=NORMAL only). */
let unsynced = false
const syncTimer =
  syncIntervalMs > 0
    ? setInterval(() => {
        if (!unsynced) return
        unsynced = false
        try {
          // With synchronous=NORMAL, SQLite fsyncs the WAL before a checkpoint: this bounds what a
          // power loss can take to the last interval. PASSIVE never waits for readers.
          db.pragma('wal_checkpoint(PASSIVE)')
        } catch {
          unsynced = true
        }
      }, syncIntervalMs)
    : undefined

parentPort.on('message', (message) => {
  if (message.close) {
    clearInterval(syncTimer)
    db.close()
    parentPort.close()
    return
  }
  try {
    appendAll(message.entries)
    unsynced = true
    parentPort.postMessage({ id: message.id })
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      error: { name: error?.name, message: String(error?.message ?? error), code: error?.code },
    })
  }
})
