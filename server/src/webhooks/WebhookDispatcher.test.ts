/** The dispatcher against real HTTP endpoints and a MemoryStore outbox: redirects, timeouts, giving up. */
import { createServer } from 'node:http'
import { Registry } from 'prom-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { listenForTest as listen } from '../../test/helpers/listenHttp'
import { createLogger } from '../logger'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { WebhookDispatcher } from './WebhookDispatcher'
import { WebhookMetrics } from './webhookMetrics'

const POLL = { timeout: 10_000, interval: 10 }

async function startDispatcher(options: { timeoutMs?: number; maxAttempts?: number } = {}) {
  const store = new MemoryStore()
  const metrics = new WebhookMetrics(new Registry())
  const dispatcher = new WebhookDispatcher({
    outbox: store,
    secret: 'whsec-0123456789abcdef',
    metrics,
    logger: createLogger('silent', false),
    retryBaseMs: 10,
    pollIntervalMs: 20,
    ...options,
  })
  onTestFinished(() => dispatcher.stop())
  return { store, metrics, dispatcher }
}

const attempts = async (metrics: WebhookMetrics, outcome: string) =>
  (await metrics.attempts.get()).values.find((value) => value.labels.outcome === outcome)?.value ?? 0

describe('WebhookDispatcher', () => {
  it('does not follow redirects: a 3xx is a failed attempt and the target is never called', async () => {
    let targetHits = 0
    const target = await listen(
      createServer((_, res) => {
        targetHits++
        res.writeHead(204).end()
      }),
    )
    const redirecting = await listen(
      createServer((_, res) => res.writeHead(302, { Location: `${target}/` }).end()),
    )
    const { store, metrics, dispatcher } = await startDispatcher({ maxAttempts: 2 })
    await store.enqueueDeliveries([{ url: `${redirecting}/hook`, body: '{}' }], {
      now: Date.now(),
      maxRows: 10,
    })
    dispatcher.start()
    await vi.waitFor(async () => expect((await metrics.abandoned.get()).values[0]?.value).toBe(1), POLL)
    expect(await attempts(metrics, 'http-error')).toBe(2)
    expect(targetHits).toBe(0)
    expect(await store.countDeliveries()).toBe(0)
  })

  it('gives an endpoint that does not answer its timeout, then retries', async () => {
    let requests = 0
    // The first request never gets an answer; the second is answered at once.
    const slow = await listen(
      createServer((_, res) => {
        if (requests++ > 0) res.writeHead(200).end()
      }),
    )
    const { store, metrics, dispatcher } = await startDispatcher({ timeoutMs: 500 })
    await store.enqueueDeliveries([{ url: slow, body: '{}' }], { now: Date.now(), maxRows: 10 })
    dispatcher.start()
    await vi.waitFor(async () => expect(await attempts(metrics, 'delivered')).toBe(1), POLL)
    expect(await attempts(metrics, 'timeout')).toBeGreaterThanOrEqual(1)
    expect(await store.countDeliveries()).toBe(0)
  })

  it('retries a refused connection and keeps the delivery until it is sent', async () => {
    const closed = createServer()
    const url = await listen(closed)
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const { store, metrics, dispatcher } = await startDispatcher({ maxAttempts: 100 })
    await store.enqueueDeliveries([{ url, body: '{}' }], { now: Date.now(), maxRows: 10 })
    dispatcher.start()
    await vi.waitFor(
      async () => expect(await attempts(metrics, 'network-error')).toBeGreaterThanOrEqual(2),
      POLL,
    )
    expect(await store.countDeliveries()).toBe(1)
  })
})
