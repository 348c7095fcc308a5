/**
 * Sends the outbox's deliveries: claims due ones (atomically, so nodes sharing the store never send
 * the same one), POSTs each signed body, removes it on a 2xx and otherwise retries it later with
 * exponential backoff, up to a bounded number of attempts. Redirects are not followed.
 */
import type { Logger } from '../logger'
import type { OutboxDelivery, WebhookOutbox } from '../persistence/WebhookOutbox'
import { SIGNATURE_HEADER, signWebhook } from './signWebhook'
import type { AttemptOutcome, WebhookMetrics } from './webhookMetrics'

/** An endpoint has this long to answer an attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000
/** Attempts per delivery; after the last failure it is dropped (counted and logged). */
export const WEBHOOK_MAX_ATTEMPTS = 10
/** The first retry waits this long, each later one twice as long (1 s, 2 s, 4 s ... up to the cap). */
export const WEBHOOK_RETRY_BASE_MS = 1000
export const WEBHOOK_RETRY_MAX_MS = 3_600_000
/** The outbox is polled this often (and at once when this node queues an event). */
export const WEBHOOK_POLL_INTERVAL_MS = 1000
/** Deliveries one node sends at once. */
export const WEBHOOK_CONCURRENCY = 16
/** A claim outlives the attempt's timeout by this much before another node may take the delivery over. */
const LEASE_MARGIN_MS = 20_000

export interface WebhookDispatcherOptions {
  readonly outbox: WebhookOutbox
  readonly secret: string
  readonly metrics: WebhookMetrics
  readonly logger: Pick<Logger, 'warn' | 'debug'>
  /** Default WEBHOOK_TIMEOUT_MS. */
  readonly timeoutMs?: number
  /** Default WEBHOOK_MAX_ATTEMPTS. */
  readonly maxAttempts?: number
  /** Default WEBHOOK_RETRY_BASE_MS. */
  readonly retryBaseMs?: number
  /** Default WEBHOOK_POLL_INTERVAL_MS. */
  readonly pollIntervalMs?: number
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined
  private draining: Promise<void> | undefined
  private again = false
  private stopped = false
  /** Aborts attempts in flight when the node shuts down; their deliveries are made due again. */
  private readonly stopping = new AbortController()
  private readonly timeoutMs: number
  private readonly maxAttempts: number
  private readonly retryBaseMs: number

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS
    this.maxAttempts = options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS
    this.retryBaseMs = options.retryBaseMs ?? WEBHOOK_RETRY_BASE_MS
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? WEBHOOK_POLL_INTERVAL_MS)
    this.timer.unref()
    this.wake()
  }

  /** Looks for due deliveries now (after this node queued some). */
  wake(): void {
    if (this.stopped) return
    if (this.draining) {
      this.again = true
      return
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined
    })
  }

  /** Stops polling, aborts attempts in flight (they go out again later) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.stopping.abort()
    await this.draining
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false
        const claimed = await this.options.outbox.claimDeliveries({
          now: Date.now(),
          limit: WEBHOOK_CONCURRENCY,
          leaseMs: this.timeoutMs + LEASE_MARGIN_MS,
        })
        await Promise.all(claimed.map((delivery) => this.deliver(delivery)))
        // A full batch means more may be due.
        if (claimed.length === WEBHOOK_CONCURRENCY) this.again = true
      } while (this.again && !this.stopped)
      this.options.metrics.outbox.set(await this.options.outbox.countDeliveries())
    } catch (error) {
      // The store is failing; the next poll tries again and nothing claimed is lost (its lease ends).
      this.options.logger.warn({ err: error }, 'webhook outbox unavailable')
    }
  }

  private async deliver(delivery: OutboxDelivery): Promise<void> {
    const outcome = await this.attempt(delivery)
    const { outbox, metrics, logger } = this.options
    if (outcome === 'stopped') {
      await outbox.rescheduleDelivery(delivery.id, Date.now())
      return
    }
    metrics.attempts.labels(outcome).inc()
    if (outcome === 'delivered') {
      await outbox.removeDelivery(delivery.id)
      return
    }
    if (delivery.attempts >= this.maxAttempts) {
      metrics.abandoned.inc()
      logger.warn(
        { url: redactQuery(delivery.url), attempts: delivery.attempts, outcome },
        'webhook delivery abandoned after its last attempt',
      )
      await outbox.removeDelivery(delivery.id)
      return
    }
    logger.debug(
      { url: redactQuery(delivery.url), attempts: delivery.attempts, outcome },
      'webhook delivery failed',
    )
    const delayMs = Math.min(this.retryBaseMs * 2 ** (delivery.attempts - 1), WEBHOOK_RETRY_MAX_MS)
    await outbox.rescheduleDelivery(delivery.id, Date.now() + delayMs)
  }

  private async attempt(delivery: OutboxDelivery): Promise<AttemptOutcome | 'stopped'> {
    const started = performance.now()
    const signature = signWebhook(this.options.secret, delivery.body, Date.now() / 1000)
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Tandem-Webhooks',
          [SIGNATURE_HEADER]: signature,
        },
        body: delivery.body,
        // A 3xx is a failure like any non-2xx: following it could send events where the operator did not.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal]),
      })
      // The answer's body is never read: an endpoint cannot make a node buffer anything.
      await response.body?.cancel()
      return response.status >= 200 && response.status < 300 ? 'delivered' : 'http-error'
    } catch (error) {
      if (this.stopping.signal.aborted) return 'stopped'
      return (error as Error).name === 'TimeoutError' ? 'timeout' : 'network-error'
    } finally {
      this.options.metrics.attemptSeconds.observe((performance.now() - started) / 1000)
    }
  }
}

/** Endpoint URLs may carry a token in their query; logs get the URL without it. */
function redactQuery(url: string): string {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}
