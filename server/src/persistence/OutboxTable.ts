/**
 * The outbox port of the SQL adapters, as rows: RowStore checks that the store is open and maps the
 * rows (rowCodec.ts), once for every adapter. What each method promises is said on WebhookOutbox.
 */
import type { OutboxRow } from './rowCodec'
import type { OutboxEntry } from './WebhookOutbox'

export interface OutboxTable {
  insertDeliveries(entries: readonly OutboxEntry[], now: number, maxRows: number): Promise<number>
  /** Due at or before `now`, oldest due first, at most `limit`; each made due again at `leaseUntil`. */
  claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<readonly OutboxRow[]>
  deleteDelivery(id: string): Promise<void>
  rescheduleDelivery(id: string, dueAt: number): Promise<void>
  countDeliveries(): Promise<number>
}
