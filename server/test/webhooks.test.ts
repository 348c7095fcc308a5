/**
 * Webhooks on real nodes: two nodes sharing one SQLite file, or one PostgreSQL database (relayed over
 * the in-memory hub), deliver
 * each event once, signed, retried after failures; deleting a document closes its sockets on both
 * nodes; and a delivery queued before a restart goes out after it.
 */
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import type { OptionValues } from '../src/config'
import { createLogger } from '../src/logger'
import { MemoryRelayHub } from '../src/relay/MemoryRelayHub'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { usePostgres } from './helpers/postgresDatabase'
import { startNode } from './helpers/startServer'
import { startWebhookReceiver } from './helpers/webhookReceiver'

const postgres = usePostgres()

const SECRET = 'webhooks-test-secret-0123456789abcdef'
const WEBHOOK_SECRET = 'whsec-0123456789abcdef'
const POLL = { timeout: 20_000, interval: 25 }
/** Retries after 100 ms, 200 ms ... instead of 1 s, 2 s ...; the outbox is polled every 100 ms. */
const FAST = { retryBaseMs: 100, pollIntervalMs: 100 }

/** The close codes the client's sockets get from now on. */
function recordCloseCodes(client: StockClient): number[] {
  const codes: number[] = []
  client.provider.on('connection-close', (event) => codes.push(event?.code ?? 0))
  return codes
}

describe('webhooks', () => {
  it.each(['sqlite', 'postgres'] as const)(
    'two nodes on one %s store: each event once, signed, retried; a delete closes sockets on both',
    async (storage) => {
      const receiver = await startWebhookReceiver(WEBHOOK_SECRET)
      const hub = new MemoryRelayHub()
      const logger = createLogger('silent', false)
      const options = {
        secret: SECRET,
        webhookUrls: [receiver.url],
        webhookSecret: WEBHOOK_SECRET,
        webhookDebounceMs: 300,
      }
      const store: Partial<OptionValues> =
        storage === 'postgres' ? { storage, databaseUrl: await postgres.createDatabase() } : { storage }
      const a = await startNode(
        { ...options, ...store, nodeId: 'a' },
        { relay: hub.createRelay('a', logger), webhookTimings: FAST },
      )
      const b = await startNode(
        { ...options, ...store, nodeId: 'b', dataDir: a.dataDir },
        { relay: hub.createRelay('b', logger), webhookTimings: FAST },
      )
      // The endpoint fails twice: the first event needs three attempts.
      receiver.failNext(2)
      const doc = await createDocumentOver(a.httpUrl, { title: 'Plans', name: 'Ann' })
      const id = doc.created.id
      await vi.waitFor(
        () => expect(receiver.accepted().map((d) => d.event.type)).toContain('document.created'),
        POLL,
      )

      const ann = connectStockClient(a.wsUrl, id, {
        token: await exchangeKey(a.httpUrl, id, doc.editKey, 'Ann'),
      })
      const ben = connectStockClient(b.wsUrl, id, {
        token: await exchangeKey(b.httpUrl, id, doc.editKey, 'Ben'),
      })
      await Promise.all([synced(ann), synced(ben)])
      ann.text.insert(0, 'Ann was here. ')
      ben.text.insert(0, 'Ben too. ')
      await vi.waitFor(() => expect(ann.text.length).toBe(ben.text.length), POLL)
      await vi.waitFor(() => {
        const editors = receiver
          .accepted()
          .filter((d) => d.event.type === 'document.changed')
          .flatMap((d) => d.event.editors as string[])
        expect(editors.sort()).toEqual(['Ann', 'Ben'])
      }, POLL)
      // Each node committed its own person's edit at the same moment, but the nodes take turns: the
      // second announcement comes a whole window after the first, not alongside it.
      const changedAt = receiver
        .accepted()
        .filter((d) => d.event.type === 'document.changed')
        .map((d) => Date.parse(d.event.occurredAt as string))
        .sort((x, y) => x - y)
      for (let i = 1; i < changedAt.length; i++) {
        // Less a little: occurredAt is stamped when the event is queued, a few ms after the claim.
        expect(changedAt[i]! - changedAt[i - 1]!).toBeGreaterThanOrEqual(options.webhookDebounceMs - 30)
      }

      const annClosed = recordCloseCodes(ann)
      const benClosed = recordCloseCodes(ben)
      const deleteStartedAt = performance.now()
      const deleted = await fetch(`${b.httpUrl}/api/documents/${id}`, {
        method: 'DELETE',
        headers: { Authorization: `ShareKey ${doc.editKey}` },
      })
      expect(deleted.status).toBe(204)
      const gone = CLOSE_CODES.DOCUMENT_DELETED.code
      await vi.waitFor(
        () => expect({ ann: annClosed, ben: benClosed }).toEqual({ ann: [gone], ben: [gone] }),
        POLL,
      )
      const closedMs = performance.now() - deleteStartedAt
      console.info(`${storage}: DELETE answered and both nodes' sockets closed in ${closedMs.toFixed(1)} ms`)
      await vi.waitFor(
        () => expect(receiver.accepted().map((d) => d.event.type)).toContain('document.deleted'),
        POLL,
      )

      // Every delivery was signed; no event reached the endpoint twice; the first took three attempts.
      expect(receiver.received.every((d) => d.signatureValid)).toBe(true)
      const acceptedIds = receiver.accepted().map((d) => d.event.id)
      expect(new Set(acceptedIds).size).toBe(acceptedIds.length)
      const created = receiver.received.filter((d) => d.event.type === 'document.created')
      expect(created.map((d) => d.status)).toEqual([500, 500, 204])
      expect(new Set(created.map((d) => d.event.id)).size).toBe(1)
      expect(created[2]!.event).toMatchObject({
        documentId: id,
        title: 'Plans',
        occurredAt: expect.any(String),
      })
      expect(
        receiver
          .accepted()
          .map((d) => d.event.type)
          .sort(),
      ).toEqual(['document.changed', 'document.changed', 'document.created', 'document.deleted'])
      const metrics = await Promise.all(
        [a, b].map((node) => fetch(`${node.httpUrl}/metrics`).then((r) => r.text())),
      )
      const count = (outcome: string) =>
        metrics
          .map((text) =>
            Number(
              new RegExp(`tandem_webhook_attempts_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ??
                0,
            ),
          )
          .reduce((sum, value) => sum + value, 0)
      expect(count('http-error')).toBe(2)
      expect(count('delivered')).toBe(4)
    },
    60_000,
  )

  it('a delivery queued before a restart goes out after it', async () => {
    const receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const options = { secret: SECRET, webhookUrls: [receiver.url], webhookSecret: WEBHOOK_SECRET }
    receiver.failNext(Number.MAX_SAFE_INTEGER, 503)
    const first = await startNode(options, { webhookTimings: FAST })
    await createDocumentOver(first.httpUrl, { title: 'Before the restart' })
    await vi.waitFor(() => expect(receiver.received.length).toBeGreaterThan(0), POLL)
    await first.server.close()
    receiver.failNext(0)
    const attemptsBefore = receiver.received.length
    await startNode({ ...options, dataDir: first.dataDir }, { webhookTimings: FAST })
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), POLL)
    expect(receiver.accepted()[0]!.event).toMatchObject({
      type: 'document.created',
      title: 'Before the restart',
    })
    expect(receiver.received[0]!.event.id).toBe(receiver.accepted()[0]!.event.id)
    expect(receiver.received.length).toBe(attemptsBefore + 1)
  }, 60_000)
})
