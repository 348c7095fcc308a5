/**
 * The durable commit of every client update, as a one-way pipeline: callers enqueue room names and
 * bytes, the queue appends them to the store in batches, and each caller awaits its own batch.
 * It knows nothing of rooms or sockets; rooms apply what committed, and listeners (the relay) hear
 * of every committed batch without the hot path knowing who they are.
 *
 * Batching is group commit that follows load: while one append is in flight, everything enqueued
 * meanwhile waits in the next batch, so a slow disk gets fewer, larger commits instead of a queue
 * of small ones. With nothing in flight, a batch is written at the end of the event-loop turn.
 */
import type { DocumentStore, UpdateAuthor, UpdateEntry } from './DocumentStore'

/** Hears of every batch once it is durable, in commit order. Must not throw; errors are reported. */
export type CommitListener = (entries: readonly UpdateEntry[]) => void

export interface CommitQueueHooks {
  /** Seconds each append took (a metric). */
  readonly onAppendTimed?: (seconds: number) => void
  /** An append failed: every caller of the batch is told through its promise as well. */
  readonly onAppendFailed?: (error: unknown, entries: number) => void
  /** A listener threw: the batch is still committed and the other listeners still run. */
  readonly onListenerFailed?: (error: unknown) => void
}

interface Batch {
  readonly entries: UpdateEntry[]
  readonly committed: Promise<void>
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

export class CommitQueue {
  private open: Batch | null = null
  private writing = false
  private scheduled = false
  /** Settles (never rejects) once every batch started so far has. */
  private drained: Promise<void> = Promise.resolve()
  private readonly listeners = new Set<CommitListener>()

  constructor(
    private readonly store: DocumentStore,
    private readonly hooks: CommitQueueHooks = {},
  ) {}

  /**
   * Queues one update of `room`. Returns the promise of its batch: it resolves once the batch is
   * durable and rejects (with the store's error) when the batch could not be stored. Updates
   * enqueued in the same batch get the same promise object, so a caller can group by it. `author`
   * (who made the update) is passed on to listeners only.
   */
  enqueue(room: string, update: Uint8Array, author?: UpdateAuthor): Promise<void> {
    const batch = this.openBatch()
    batch.entries.push(author === undefined ? { room, update } : { room, update, author })
    return batch.committed
  }

  /** Adds a listener for committed batches; returns its removal. */
  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Writes what is queued now and settles (never rejects) once everything enqueued so far has. */
  flush(): Promise<void> {
    if (this.open && !this.writing) this.writeOpen()
    return this.open ? this.open.committed.then(settle, settle) : this.drained
  }

  private openBatch(): Batch {
    if (this.open) return this.open
    let resolve!: () => void
    let reject!: (error: unknown) => void
    const committed = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    // A caller that does not await its batch must not turn a storage outage into an unhandled rejection.
    committed.catch(settle)
    this.open = { entries: [], committed, resolve, reject }
    if (!this.writing && !this.scheduled) {
      this.scheduled = true
      setImmediate(() => {
        this.scheduled = false
        if (!this.writing) this.writeOpen()
      })
    }
    return this.open
  }

  private writeOpen(): void {
    const batch = this.open
    if (!batch) return
    this.open = null
    this.writing = true
    this.drained = this.write(batch).finally(() => {
      this.writing = false
      // What arrived while this batch was on its way to disk goes next, as one batch.
      if (this.open) this.writeOpen()
    })
  }

  private async write(batch: Batch): Promise<void> {
    const started = performance.now()
    try {
      await this.store.append(batch.entries)
    } catch (error) {
      batch.reject(error)
      this.report(() => this.hooks.onAppendFailed?.(error, batch.entries.length))
      return
    } finally {
      this.report(() => this.hooks.onAppendTimed?.((performance.now() - started) / 1000))
    }
    batch.resolve()
    for (const listener of this.listeners) {
      try {
        listener(batch.entries)
      } catch (error) {
        this.report(() => this.hooks.onListenerFailed?.(error))
      }
    }
  }

  /** Runs a reporting hook; one that throws must not break the chain of batches. */
  private report(hook: () => void): void {
    try {
      hook()
    } catch {
      // Metrics and logging failing is no reason to fail or stall commits.
    }
  }
}

function settle(): void {}
