/**
 * The server SDK (`sdk/server`) against a real node: its tokens open sockets and admin routes, it
 * creates, lists and deletes documents, reports refusals as TandemApiError, and its signature check
 * accepts the node's webhook deliveries (and nothing else).
 */
import { createServer } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import {
  mintToken,
  parseWebhookEvent,
  TandemApiError,
  TandemClient,
  verifyWebhookSignature,
  type WebhookEvent,
} from '../../sdk/server/src/index'
import { connectStockClient, rawUpgrade, synced } from './helpers/clients'
import { listenForTest } from './helpers/listenHttp'
import { startNode } from './helpers/startServer'

const SECRET = 'server-sdk-test-secret-0123456789abcdef'
const WEBHOOK_SECRET = 'whsec-sdk-0123456789'

/** A receiver that keeps only the events whose signature the SDK accepts. */
async function startVerifyingReceiver(): Promise<{ url: string; events: WebhookEvent[]; refused: number }> {
  const state = { url: '', events: [] as WebhookEvent[], refused: 0 }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks)
    if (!verifyWebhookSignature(raw, req.headers['tandem-signature'] as string | undefined, WEBHOOK_SECRET)) {
      state.refused++
      res.writeHead(400).end()
      return
    }
    state.events.push(parseWebhookEvent(raw))
    res.writeHead(204).end()
  })
  state.url = `${await listenForTest(server)}/`
  return state
}

describe('server SDK', () => {
  it('mints tokens the node accepts and manages documents through the API', async () => {
    const receiver = await startVerifyingReceiver()
    const node = await startNode({
      secret: SECRET,
      allowPublicCreate: false,
      webhookUrls: [receiver.url],
      webhookSecret: WEBHOOK_SECRET,
    })
    const tandem = new TandemClient({ baseUrl: `${node.httpUrl}/`, secret: SECRET })

    // Public creation is off: only the SDK's admin token can create.
    const created = await tandem.createDocument({ title: 'From the SDK', name: 'Backend' })
    expect(created).toMatchObject({
      title: 'From the SDK',
      editLink: { role: 'editor', createdBy: 'Backend' },
    })
    const second = await tandem.createDocument()
    const page = await tandem.listDocuments({ limit: 1 })
    expect(page.documents).toHaveLength(1)
    const all: string[] = []
    for await (const document of tandem.allDocuments(1)) all.push(document.id)
    expect(all.sort()).toEqual([created.id, second.id].sort())

    // A minted room token opens the room's socket; a viewer token for another room is refused.
    const token = mintToken({ secret: SECRET, sub: 'u1', room: created.id, role: 'editor', name: 'Ann' })
    const client = connectStockClient(node.wsUrl, created.id, { token })
    await synced(client)
    const elsewhere = mintToken({ secret: SECRET, sub: 'u1', room: second.id, role: 'viewer' })
    expect((await rawUpgrade(node.port, `/ws/${created.id}?token=${elsewhere}`)).status).toBe(403)

    // Refusals carry the server's status and code; the creator's key may delete.
    const viewKey = decodeURIComponent(new URL(created.viewLink.url, node.httpUrl).hash.slice(5))
    const refusal = await tandem
      .deleteDocument(created.id, { shareKey: viewKey })
      .catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TandemApiError)
    expect(refusal).toMatchObject({ status: 403, code: 'forbidden' })
    await tandem.deleteDocument(second.id)
    await expect(tandem.deleteDocument(second.id)).rejects.toMatchObject({ status: 404, code: 'not_found' })
    await expect(
      new TandemClient({ baseUrl: node.httpUrl, secret: 'wrong-secret-0123456789abcdef' }).listDocuments(),
    ).rejects.toMatchObject({ status: 401 })

    await vi.waitFor(
      () =>
        expect(receiver.events.map((event) => event.type).sort()).toEqual([
          'document.created',
          'document.created',
          'document.deleted',
        ]),
      { timeout: 20_000, interval: 25 },
    )
    expect(receiver.refused).toBe(0)
    expect(receiver.events.find((event) => event.type === 'document.deleted')?.documentId).toBe(second.id)
    expect(() => new TandemClient({ baseUrl: node.httpUrl })).toThrow(TypeError)
  }, 30_000)
})
