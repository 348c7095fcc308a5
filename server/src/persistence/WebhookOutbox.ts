/**
 * The webhook outbox port: deliveries waiting to be sent, kept in the document store so they survive
 * a restart, and claimed atomically so that nodes sharing the store send each one once.
 */

/** One delivery to make: an event's JSON body for one endpoint. */
export interface OutboxEntry {
  readonly url: string
  readonly body: string
}

/** A claimed delivery: `attempts` counts this one. */
export interface OutboxDelivery extends OutboxEntry {
  readonly id: string
  readonly attempts: number
  /** Milliseconds since the epoch; when the event was queued. */
  readonly createdAt: number
}

export interface ClaimOptions {
  /** Deliveries due at or before this time (ms since the epoch) are claimable. */
  readonly now: number
  /** At most this many are claimed. */
  readonly limit: number
  /**
   * A claimed delivery is not claimable again until `now + leaseMs`: the claiming node must finish
   * (or reschedule) it by then; if it crashed, another node takes the delivery over.
   */
  readonly leaseMs: number
}

/** Failures reject with StorageError, like every DocumentStore method. */
export interface WebhookOutbox {
  /**
   * Adds each entry, due now, unless the outbox already holds `maxRows` deliveries. Resolves with
   * how many were added (the rest are refused: the caller counts them as dropped) once they are as
   * durable as DURABILITY promises. With nodes adding at once the bound may be passed by a few rows.
   */
  enqueueDeliveries(
    entries: readonly OutboxEntry[],
    options: { readonly now: number; readonly maxRows: number },
  ): Promise<number>
  /**
   * Claims due deliveries, oldest due first, in one atomic statement: no two callers (processes,
   * nodes) get the same delivery within one lease. Each claimed delivery's attempts go up by one.
   */
  claimDeliveries(options: ClaimOptions): Promise<OutboxDelivery[]>
  /** Removes a delivery (sent, or given up); removing one already gone is fine. */
  removeDelivery(id: string): Promise<void>
  /** Makes a claimed delivery due again at `dueAt` (ms since the epoch), for a retry. */
  rescheduleDelivery(id: string, dueAt: number): Promise<void>
  /** How many deliveries the outbox holds (a gauge). */
  countDeliveries(): Promise<number>
}
