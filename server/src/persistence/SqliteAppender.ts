/**
 * Appends update batches to the SQLite file from a worker thread (sqliteAppendWorker.js), so the
 * event loop keeps serving sockets while a commit waits for its fsync. Batches are appended in the
 * order they were handed over, one at a time; a rejected append changed nothing (one transaction).
 */
import { Worker } from 'node:worker_threads'
import type { UpdateEntry } from './DocumentStore'
import { StorageError } from './StorageError'

export interface SqliteAppenderOptions {
  readonly file: string
  readonly busyTimeoutMs: number
  /** SQLite `synchronous` of the writer's connection. */
  readonly synchronous: 'FULL' | 'NORMAL'
  /** The INSERT of one update row (room, data, crc32). */
  readonly insertSql: string
  /** With NORMAL: how often the WAL is synced by a background checkpoint; 0 never. */
  readonly syncIntervalMs: number
}

interface Waiting {
  resolve(): void
  reject(error: unknown): void
}

interface Reply {
  readonly id: number
  readonly error?: { readonly name?: string; readonly message: string; readonly code?: string }
}

export class SqliteAppender {
  private readonly worker: Worker
  private readonly waiting = new Map<number, Waiting>()
  private nextId = 1
  /** Set once the worker is gone: every later append rejects with it. */
  private failure: StorageError | null = null
  private readonly exited: Promise<void>

  constructor(options: SqliteAppenderOptions) {
    this.worker = new Worker(new URL('./sqliteAppendWorker.js', import.meta.url), { workerData: options })
    // Holds the process open only while appends wait: a CLI that opens a store and forgets to close
    // it still exits, and one awaiting an append does not exit before it is committed.
    this.worker.unref()
    this.worker.on('message', (reply: Reply) => this.settle(reply))
    this.worker.on('error', (error) => this.fail(`the writer thread failed: ${error.message}`, error))
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(`the writer thread exited (code ${code})`)
        resolve()
      })
    })
  }

  /** Resolves once the batch is committed by the writer's connection. */
  append(entries: readonly UpdateEntry[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref()
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ id, entries })
    })
  }

  /** Lets appends already handed over finish, then closes the writer's connection. Idempotent. */
  close(): Promise<void> {
    if (!this.failure) {
      this.worker.ref()
      this.worker.postMessage({ close: true })
    }
    return this.exited
  }

  private settle(reply: Reply): void {
    const waiting = this.waiting.get(reply.id)
    if (!waiting) return
    this.waiting.delete(reply.id)
    if (this.waiting.size === 0) this.worker.unref()
    if (!reply.error) {
      waiting.resolve()
      return
    }
    // Rebuilt as better-sqlite3 throws it, so toStorageError classifies it by its SQLite code.
    const error = new Error(reply.error.message)
    if (reply.error.name) error.name = reply.error.name
    if (reply.error.code) Object.assign(error, { code: reply.error.code })
    waiting.reject(error)
  }

  private fail(message: string, cause?: unknown): void {
    this.failure ??= new StorageError('unavailable', message, { cause })
    for (const waiting of this.waiting.values()) waiting.reject(this.failure)
    this.waiting.clear()
  }
}
