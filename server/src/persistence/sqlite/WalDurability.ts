/**
 * What DURABILITY means for a SQLite store: with `fsync` each committed write waits for a sync of
 * the WAL (WalSync, off the event loop); with `process` the WAL is synced in the background once a
 * second. A failed sync is final: every later write is refused.
 */
import type { Durability } from '../DocumentStore'
import { StorageError } from '../StorageError'

/**
 * With `durability: 'process'` the WAL is synced this often (when anything was committed since the
 * last sync), so a power loss takes at most about this much.
 */
export const SQLITE_BACKGROUND_SYNC_MS = 1000

export class WalDurability {
  /** `process` durability: the background sync, and whether commits happened since the last one. */
  private readonly syncTimer: NodeJS.Timeout | undefined
  private unsynced = false
  private syncing: Promise<void> | null = null
  /** Syncs under way for `fsync` writes; stop() waits for them before the WAL's descriptor is closed. */
  private readonly syncs = new Set<Promise<void>>()
  /**
   * Set by the first failed sync, for good: after an fsync error the kernel may have dropped the
   * dirty pages and a later sync would report success for data that never reached the disk.
   */
  private syncFailure: StorageError | null = null

  constructor(
    private readonly durability: Durability,
    private readonly syncWal: () => Promise<void>,
  ) {
    if (durability === 'process') {
      this.syncTimer = setInterval(() => void this.backgroundSync(), SQLITE_BACKGROUND_SYNC_MS)
      this.syncTimer.unref()
    }
  }

  /** False once a sync failed. */
  isSound(): boolean {
    return this.syncFailure === null
  }

  /** Throws (`unavailable`) once any sync failed: writes are refused from then on. */
  assertSynced(operation: string): void {
    if (this.syncFailure) throw new StorageError('unavailable', `${operation}: ${this.syncFailure.message}`)
  }

  /**
   * Makes a committed write as durable as promised: with `fsync`, resolves once the WAL is synced;
   * with `process`, leaves it to the background sync. Rejects (`unavailable`) once any sync failed.
   */
  async durable(operation: string): Promise<void> {
    if (this.durability === 'process') {
      this.unsynced = true
      return
    }
    this.assertSynced(operation)
    const sync = this.syncWal()
    this.syncs.add(sync)
    try {
      await sync
    } catch (error) {
      // Committed, maybe not on disk: refused, so this batch is applied and shown nowhere now.
      this.failSync(error)
      this.assertSynced(operation)
    } finally {
      this.syncs.delete(sync)
    }
  }

  /** Stops the background sync; see settle(). */
  stop(): void {
    clearInterval(this.syncTimer)
  }

  /** Syncs what `process` durability left unsynced and waits for every sync under way. */
  async settle(): Promise<void> {
    await this.backgroundSync()
    await Promise.allSettled(this.syncs)
  }

  /** `process` durability: syncs the WAL when anything was committed since the last sync. */
  private backgroundSync(): Promise<void> {
    if (this.syncing || !this.unsynced || this.syncFailure) return this.syncing ?? Promise.resolve()
    this.unsynced = false
    this.syncing = this.syncWal()
      .catch((error: unknown) => this.failSync(error))
      .finally(() => {
        this.syncing = null
      })
    return this.syncing
  }

  private failSync(error: unknown): void {
    this.syncFailure ??= new StorageError(
      'unavailable',
      `syncing the WAL failed (${(error as Error).message}); writes are refused until the server restarts`,
      { cause: error },
    )
  }
}
