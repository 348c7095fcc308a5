/** Several nodes, one document: Redis pub/sub (and sharded pub/sub on a cluster) between real nodes. */
import { createToken } from '@tandem/shared'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import * as Y from 'yjs'
import { parseRedisTarget } from '../src/relay/redisTarget'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { startRedisCluster } from './helpers/redisCluster'
import { startRedisServer } from './helpers/redisServer'
import { spawnServer } from './helpers/spawnServer'
import { startNode, type TestServer } from './helpers/startServer'

const SECRET = 'relay-test-secret'
const POLL = { timeout: 15_000, interval: 25 }

async function join(wsUrl: string, room: string, doc?: Y.Doc): Promise<StockClient> {
  const token = await createToken({ secret: SECRET, sub: 'u', room: '*', role: 'editor' })
  const client = connectStockClient(wsUrl, room, { token })
  if (doc) {
    // Hand an existing document to a new provider, as a client moving to another node does.
    client.provider.destroy()
    const moved = connectStockClient(wsUrl, room, { token }, { connect: false })
    Y.applyUpdate(moved.doc, Y.encodeStateAsUpdate(doc))
    moved.provider.connect()
    await synced(moved)
    return moved
  }
  await synced(client)
  return client
}

async function twoNodes(redisUrl: string): Promise<[TestServer, TestServer]> {
  const redis = parseRedisTarget(redisUrl)
  const first = await startNode({ redis, secret: SECRET, nodeId: 'node-1' })
  const second = await startNode({ redis, secret: SECRET, nodeId: 'node-2', dataDir: first.dataDir })
  await vi.waitFor(
    async () => expect((await relayConnected(first)) && (await relayConnected(second))).toBe(true),
    POLL,
  )
  return [first, second]
}

async function relayConnected(node: TestServer): Promise<boolean> {
  const { values } = await node.server.metrics.relayConnected.get()
  return values[0]?.value === 1
}

function textOf(doc: Y.Doc): string {
  return doc.getText('t').toString()
}

/** Every character typed on either side, regardless of interleaving. */
function sorted(text: string): string {
  return [...text].sort().join('')
}

describe('relay between nodes', () => {
  it('converges concurrent edits in several rooms and carries presence both ways', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const [one, two] = await twoNodes(redis.url)

    const rooms = ['alpha', 'beta', 'gamma']
    const pairs = await Promise.all(
      rooms.map(async (room) => [await join(one.wsUrl, room), await join(two.wsUrl, room)] as const),
    )
    for (let i = 0; i < 20; i++) {
      for (const [a, b] of pairs) {
        a.text.insert(0, 'a')
        b.text.insert(b.text.length, 'b')
      }
    }
    for (const [a, b] of pairs) {
      await vi.waitFor(() => {
        expect(a.text.length).toBe(40)
        expect(textOf(b.doc)).toBe(textOf(a.doc))
      }, POLL)
    }

    const [a, b] = pairs[0]!
    a.provider.awareness.setLocalStateField('user', { name: 'Ann on node 1' })
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toBeDefined(), POLL)
    a.provider.destroy()
    const left = Date.now()
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false), POLL)
    expect(Date.now() - left, 'removal crosses nodes at once, not after the 30 s timeout').toBeLessThan(2000)
  })

  it('keeps serving through a Redis outage and converges with nothing lost when it returns', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const [one, two] = await twoNodes(redis.url)
    const a = await join(one.wsUrl, 'outage')
    const a2 = await join(one.wsUrl, 'outage')
    const b = await join(two.wsUrl, 'outage')
    a.text.insert(0, 'before ')
    await vi.waitFor(() => expect(textOf(b.doc)).toBe('before '), POLL)

    await redis.kill()
    await vi.waitFor(async () => expect((await fetch(`${one.httpUrl}/readyz`)).status).toBe(503), POLL)
    for (let i = 0; i < 30; i++) {
      a.text.insert(a.text.length, 'x')
      b.text.insert(b.text.length, 'y')
    }
    // Local clients keep working on each node during the outage.
    await vi.waitFor(() => expect(textOf(a2.doc)).toBe(textOf(a.doc)), POLL)

    await redis.restart()
    await vi.waitFor(async () => expect((await fetch(`${two.httpUrl}/readyz`)).status).toBe(200), POLL)
    await vi.waitFor(() => {
      expect(sorted(textOf(a.doc))).toBe(sorted(`before ${'x'.repeat(30)}${'y'.repeat(30)}`))
      expect(textOf(b.doc)).toBe(textOf(a.doc))
      expect(textOf(a2.doc)).toBe(textOf(a.doc))
    }, POLL)

    const stored = await one.store.load('outage')
    const disk = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(disk, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(disk, update)
    expect(textOf(disk)).toBe(textOf(a.doc))
  })

  it("moves a SIGKILLed node's clients to the surviving node with nothing they saw lost", async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const env = { REDIS_URL: redis.url, TANDEM_SECRET: SECRET, DATA_DIR: (await startNode()).dataDir }
    const [one, two] = await Promise.all([
      spawnServer({ ...env, NODE_ID: 'n1' }),
      spawnServer({ ...env, NODE_ID: 'n2' }),
    ])
    const url = (port: number) => `ws://127.0.0.1:${port}/ws`
    const a = await join(url(one.port), 'failover')
    const b = await join(url(two.port), 'failover')
    for (let i = 0; i < 40; i++) {
      a.text.insert(a.text.length, 'a')
      b.text.insert(b.text.length, 'b')
    }
    await vi.waitFor(() => expect(sorted(textOf(b.doc))).toBe(sorted('a'.repeat(40) + 'b'.repeat(40))), POLL)
    await one.kill()
    const seenByB = Y.encodeStateVector(b.doc)

    const moved = await join(url(two.port), 'failover', a.doc)
    moved.text.insert(0, 'after ')
    await vi.waitFor(() => expect(textOf(b.doc)).toBe(textOf(moved.doc)), POLL)
    const have = Y.decodeStateVector(Y.encodeStateVector(moved.doc))
    for (const [client, clock] of Y.decodeStateVector(seenByB))
      expect(have.get(client) ?? 0).toBeGreaterThanOrEqual(clock)
    expect(textOf(moved.doc).length).toBe(86)
  })

  it('converges through a 3-master Redis Cluster with sharded pub/sub', async () => {
    const cluster = await startRedisCluster()
    onTestFinished(() => cluster.stop())
    const [one, two] = await twoNodes(cluster.url)
    const rooms = ['c1', 'c2', 'c3', 'c4']
    const pairs = await Promise.all(
      rooms.map(async (room) => [await join(one.wsUrl, room), await join(two.wsUrl, room)] as const),
    )
    for (const [a, b] of pairs) {
      a.text.insert(0, 'from one ')
      b.text.insert(0, 'from two ')
    }
    for (const [a, b] of pairs) {
      await vi.waitFor(() => {
        expect(a.text.length).toBe(18)
        expect(textOf(b.doc)).toBe(textOf(a.doc))
      }, POLL)
    }
  })
})
