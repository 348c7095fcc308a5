/**
 * A node's document events: records edit times, queues webhook deliveries in the store's outbox
 * (one per endpoint) and runs the dispatcher that sends them. Without WEBHOOK_URLS it still records
 * edit times (GET /api/documents shows them) and queues nothing.
 */
import { documentOfCommentsRoom, viewOfComment } from '@tandem/shared'
import type { Registry } from 'prom-client'
import { createdCommentsOf } from '../comments/createdComments'
import type { Config } from '../config'
import type { Logger } from '../logger'
import type { CommitListener } from '../persistence/CommitQueue'
import type { DocumentStore } from '../persistence/DocumentStore'
import { type DocumentChange, DocumentChangeTracker } from './DocumentChangeTracker'
import { WebhookDispatcher, type WebhookDispatcherOptions } from './WebhookDispatcher'
import { type WebhookEvent, writeWebhookBody } from './webhookEvents'
import { WebhookMetrics } from './webhookMetrics'

/** Most deliveries the outbox holds (all nodes together); events past it are dropped and counted. */
export const MAX_OUTBOX_DELIVERIES = 10_000

export interface WebhooksOptions {
  readonly store: DocumentStore
  readonly config: Pick<Config, 'webhookUrls' | 'webhookSecret' | 'webhookDebounceMs'>
  readonly registry: Registry
  readonly logger: Logger
  /** Dispatcher timings; tests shorten them. */
  readonly dispatcher?: Pick<
    WebhookDispatcherOptions,
    'timeoutMs' | 'maxAttempts' | 'retryBaseMs' | 'pollIntervalMs'
  >
}

export class Webhooks {
  private readonly tracker: DocumentChangeTracker
  private readonly dispatcher: WebhookDispatcher | undefined
  private readonly metrics: WebhookMetrics
  /** Writes to the store in flight; close() waits for them. */
  private readonly pending = new Set<Promise<void>>()
  private readonly urls: readonly string[]
  /** Set by close(): the last windows are announced without asking the other nodes (a duplicate beats a loss). */
  private closing = false

  constructor(private readonly options: WebhooksOptions) {
    const { config, store, logger } = options
    this.metrics = new WebhookMetrics(options.registry)
    this.urls = config.webhookUrls ?? []
    this.tracker = new DocumentChangeTracker(config.webhookDebounceMs, (change) => this.handleChange(change))
    if (this.urls.length > 0 && config.webhookSecret !== undefined) {
      this.dispatcher = new WebhookDispatcher({
        outbox: store,
        secret: config.webhookSecret,
        metrics: this.metrics,
        logger,
        ...options.dispatcher,
      })
    }
  }

  /**
   * The commit queue's listener: document.changed for documents' rooms (never the hot path: it only
   * notes names), comment.created for the comments a comments room's update created, as checked.
   */
  readonly onCommitted: CommitListener = (entries) => {
    const documentEntries = entries.filter((entry) => documentOfCommentsRoom(entry.room) === undefined)
    if (documentEntries.length > 0) this.tracker.onCommitted(documentEntries)
    if (documentEntries.length === entries.length || this.urls.length === 0) return
    for (const { room, update } of entries) {
      const documentId = documentOfCommentsRoom(room)
      if (documentId === undefined) continue
      for (const comment of createdCommentsOf(update)) {
        const view = viewOfComment(comment)
        void this.publish({
          type: 'comment.created',
          documentId,
          threadId: view.threadId,
          commentId: view.id,
          authorId: view.authorId,
          authorName: view.authorName,
          authorVerified: view.authorVerified,
          authorLabel: view.authorLabel,
          body: view.body,
        })
      }
    }
  }

  /** Starts sending what the outbox holds, including what an earlier run left. */
  start(): void {
    this.dispatcher?.start()
  }

  /** Queues `event` for every endpoint. Never rejects: a store failure is logged and counted. */
  publish(event: WebhookEvent): Promise<void> {
    if (this.urls.length === 0) return Promise.resolve()
    return this.track(async () => {
      const body = writeWebhookBody(event, Date.now())
      const entries = this.urls.map((url) => ({ url, body }))
      const added = await this.options.store.enqueueDeliveries(entries, {
        now: Date.now(),
        maxRows: MAX_OUTBOX_DELIVERIES,
      })
      this.metrics.events.labels(event.type).inc()
      if (added < entries.length) {
        this.metrics.eventsDropped.labels(event.type).inc(entries.length - added)
        this.options.logger.warn({ type: event.type, dropped: entries.length - added }, 'webhook outbox full')
      }
      if (added > 0) this.dispatcher?.wake()
    }, event.type)
  }

  /** Announces open change windows, waits for queued writes, then stops the dispatcher. */
  async close(): Promise<void> {
    this.closing = true
    this.tracker.closeAll()
    while (this.pending.size > 0) await Promise.all(this.pending)
    await this.dispatcher?.stop()
  }

  private handleChange(change: DocumentChange): void {
    const { documentId, editors, lastChangedAt } = change
    const { store, config } = this.options
    void this.track(
      () => store.markDocumentsChanged([{ id: documentId, at: lastChangedAt }]),
      'document.changed',
    )
    if (this.urls.length === 0) return
    const announce = () => this.publish({ type: 'document.changed', documentId, editors })
    if (this.closing) {
      void announce()
      return
    }
    // Each node announces what it committed; the claim keeps a cluster to one announcement per window.
    void this.track(async () => {
      const retryAt = await store.claimChangeAnnouncement(documentId, Date.now(), config.webhookDebounceMs)
      if (retryAt === null || this.closing) await announce()
      else this.tracker.postpone(change, retryAt)
    }, 'document.changed')
  }

  private track(write: () => Promise<void>, type: WebhookEvent['type']): Promise<void> {
    const done = write().catch((error: unknown) => {
      this.metrics.eventsDropped.labels(type).inc()
      this.options.logger.warn({ err: error, type }, 'could not record a document event')
    })
    this.pending.add(done)
    void done.finally(() => this.pending.delete(done))
    return done
  }
}
