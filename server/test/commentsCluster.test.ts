/**
 * Comments on two nodes relayed through a real Redis, sharing one SQLite file: each node checks
 * what its own sockets send against its own mirror, so a key written on one node may be unknown to
 * the other for as long as the relay takes. Keys carry their author's id, so no concurrent write of
 * the same key by someone else can be accepted anywhere (docs/architecture.md, "Comments").
 */
import {
  addComment,
  CLOSE_CODES,
  type CommentsResponse,
  commentsRoomName,
  encodeAnchorPosition,
  openThread,
  threadsOf,
} from '@tandem/shared'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import * as Y from 'yjs'
import { parseRedisTarget } from '../src/relay/redisTarget'
import { connectStockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { startRedisServer } from './helpers/redisServer'
import { startNode, type TestServer } from './helpers/startServer'

const SECRET = 'comments-cluster-secret-0123456789abcdef'
const POLL = { timeout: 15_000, interval: 50 }
const GENEROUS_API = { apiRateLimitBurst: 10_000, apiRateLimitPerSecond: 1_000 }

function tokenSubject(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub
}

async function relayConnected(node: TestServer): Promise<boolean> {
  const { values } = await node.server.metrics.relayConnected.get()
  return values[0]?.value === 1
}

async function listComments(node: TestServer, documentId: string, key: string): Promise<CommentsResponse> {
  const response = await fetch(`${node.httpUrl}/api/documents/${documentId}/comments`, {
    headers: { Authorization: `ShareKey ${key}` },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as CommentsResponse
}

describe('comments on two nodes', () => {
  it('a concurrent write of someone else’s new thread key on another node never replaces it', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const target = parseRedisTarget(redis.url)
    const one = await startNode({ redis: target, secret: SECRET, nodeId: 'node-1', ...GENEROUS_API })
    const two = await startNode({
      redis: target,
      secret: SECRET,
      nodeId: 'node-2',
      dataDir: one.dataDir,
      ...GENEROUS_API,
    })
    await vi.waitFor(
      async () => expect((await relayConnected(one)) && (await relayConnected(two))).toBe(true),
      POLL,
    )

    const doc = await createDocumentOver(one.httpUrl, { title: 'Race', name: 'Ann' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    const annToken = await exchangeKey(one.httpUrl, id, doc.editKey, 'Ann')
    const malToken = await exchangeKey(two.httpUrl, id, doc.editKey, 'Mal')
    const ann = { id: tokenSubject(annToken), name: 'Ann' }
    const mal = { id: tokenSubject(malToken), name: 'Mal' }
    // Concurrent sets of one map key: the higher client id wins the merge. Mal makes sure it is hers.
    const annClient = connectStockClient(one.wsUrl, room, { token: annToken }, { clientId: 1 })
    const malClient = connectStockClient(two.wsUrl, room, { token: malToken }, { clientId: 0xfffffff0 })
    const malCodes: number[] = []
    malClient.provider.on('connection-close', (event) => malCodes.push(event?.code ?? 0))
    await Promise.all([synced(annClient), synced(malClient)])

    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello world')
    const anchor = {
      start: encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(text, 0)),
      end: encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(text, 5, -1)),
      quote: 'hello',
    }

    // The relay is slow for a moment: node 2 has not heard of Ann's thread when Mal writes its key.
    await redis.pauseWrites(20_000)
    let resumed = false
    onTestFinished(async () => {
      if (!resumed) await redis.resumeWrites()
    })
    const threadId = openThread(annClient.doc, ann, anchor, 'Please check the greeting')
    await vi.waitFor(async () => {
      const stored = await one.store.load(room)
      expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0)
    }, POLL)
    const storedBefore = (await two.store.load(room)).updates.length
    malClient.doc.transact(() => {
      threadsOf(malClient.doc).set(threadId, {
        id: threadId,
        anchor,
        authorId: mal.id,
        createdAt: Date.now(),
        resolved: false,
      })
      addComment(malClient.doc, mal, threadId, 'Ann approved this')
    })
    // Node 2 has judged Mal's write once it is stored (accepted) or her socket is closed (refused).
    await vi.waitFor(async () => {
      const stored = (await two.store.load(room)).updates.length
      expect(stored > storedBefore || malCodes.length > 0).toBe(true)
    }, POLL)
    await redis.resumeWrites()
    resumed = true

    for (const node of [one, two]) {
      await vi.waitFor(async () => {
        const { threads } = await listComments(node, id, doc.viewKey)
        expect(threads.map((t) => [t.id, t.authorId])).toEqual([[threadId, ann.id]])
        expect(threads[0]!.comments.map((c) => [c.authorId, c.body])).toEqual([
          [ann.id, 'Please check the greeting'],
        ])
      }, POLL)
    }
    expect(malCodes[0]).toBe(CLOSE_CODES.MALFORMED_MESSAGE.code)
  }, 60_000)
})
