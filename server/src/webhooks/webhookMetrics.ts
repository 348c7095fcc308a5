/** The `tandem_webhook_*` metrics, registered in the node's registry beside the others. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** How one delivery attempt ended, as the `outcome` label. */
export const ATTEMPT_OUTCOMES = ['delivered', 'http-error', 'timeout', 'network-error'] as const
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number]

export class WebhookMetrics {
  readonly events: Counter<'type'>
  readonly eventsDropped: Counter<'type'>
  readonly attempts: Counter<'outcome'>
  readonly abandoned: Counter
  readonly attemptSeconds: Histogram
  readonly outbox: Gauge

  constructor(registry: Registry) {
    const registers = [registry]
    this.events = new Counter({
      name: 'tandem_webhook_events_total',
      help: 'Webhook events queued in the outbox (one delivery per endpoint), by type',
      labelNames: ['type'],
      registers,
    })
    this.eventsDropped = new Counter({
      name: 'tandem_webhook_events_dropped_total',
      help: 'Webhook deliveries not queued because the outbox was full or could not be written, by type',
      labelNames: ['type'],
      registers,
    })
    this.attempts = new Counter({
      name: 'tandem_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, http-error, timeout, network-error)',
      labelNames: ['outcome'],
      registers,
    })
    this.abandoned = new Counter({
      name: 'tandem_webhook_abandoned_total',
      help: 'Webhook deliveries given up after the last attempt failed',
      registers,
    })
    this.attemptSeconds = new Histogram({
      name: 'tandem_webhook_attempt_seconds',
      help: 'Time from sending a webhook delivery to its answer (or timeout)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.outbox = new Gauge({
      name: 'tandem_webhook_outbox',
      help: 'Webhook deliveries waiting in the outbox (shared by every node of the store), as last counted by this node',
      registers,
    })
  }
}
