/**
 * Group commit: every update rooms receive during one event-loop turn is appended in one store
 * transaction, then applied and released to clients. Batches are written one after another, in order.
 */
import type { Connection } from '../connection/Connection'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { DocumentStore, UpdateEntry } from '../persistence/DocumentStore'
import type { Room } from './Room'

/** What one room hands over for one commit. */
export interface Batch {
  readonly room: Room
  /** Client updates in arrival order, validated but not yet applied. */
  readonly updates: Uint8Array[]
  /** The connection each update came from (same index). */
  readonly origins: Connection[]
  /** Connections to send a SAVED acknowledgement once the batch is durable and applied. */
  readonly acks: Set<Connection>
}

export class GroupCommit {
  private readonly dirty = new Set<Room>()
  private scheduled = false
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly store: DocumentStore,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /** Marks a room as having something to commit at the end of this turn. */
  schedule(room: Room): void {
    this.dirty.add(room)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      void this.flush()
    })
  }

  /** Takes every dirty room's batch now and resolves once all batches so far are settled. */
  flush(): Promise<void> {
    this.scheduled = false
    const batches: Batch[] = []
    for (const room of this.dirty) {
      const batch = room.takeBatch()
      if (batch) batches.push(batch)
    }
    this.dirty.clear()
    if (batches.length > 0) {
      // write() handles store failures itself; anything else must not break the chain (every later
      // batch would be lost) nor become an unhandled rejection (the process would exit).
      this.chain = this.chain
        .then(() => this.write(batches))
        .catch((error: unknown) => {
          this.metrics.countInternalError('commit')
          this.logger.error({ err: error }, 'group commit failed unexpectedly')
        })
    }
    return this.chain
  }

  private async write(batches: Batch[]): Promise<void> {
    const entries: UpdateEntry[] = []
    for (const batch of batches) {
      for (const update of batch.updates) entries.push({ room: batch.room.name, update })
    }
    if (entries.length > 0) {
      const stopTimer = this.metrics.storeAppendSeconds.startTimer()
      try {
        await this.store.append(entries)
      } catch (error) {
        this.metrics.storeFailures.labels('append').inc()
        this.logger.error({ err: error, updates: entries.length }, 'group commit failed')
        for (const batch of batches) batch.room.commitFailed(batch, error)
        return
      } finally {
        stopTimer()
      }
    }
    for (const batch of batches) {
      try {
        batch.room.commitSucceeded(batch)
      } catch (error) {
        this.metrics.countInternalError('commit')
        this.logger.error({ room: batch.room.name, err: error }, 'releasing a committed batch failed')
      }
    }
  }
}
