/**
 * Automatic versions in a cluster (issue 19): two nodes relayed through a real Redis and sharing one
 * PostgreSQL database, each with a person typing into the same document. Each node sees only its
 * own person's commits, so each closes a window of its own; the store's claim lets exactly one of
 * them record the version, and the other's people are listed with it.
 */
import type { VersionListResponse } from '@tandem/shared'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseRedisTarget } from '../src/relay/redisTarget'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { usePostgres } from './helpers/postgresDatabase'
import { type RedisServer, startRedisServer } from './helpers/redisServer'
import { startNodePair, type TestServer } from './helpers/startServer'

const SECRET = 'version-cluster-test-secret-0123456789'
const POLL = { timeout: 20_000, interval: 25 }
const postgres = usePostgres()
let redis: RedisServer

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

async function listVersions(node: TestServer, id: string, key: string): Promise<VersionListResponse> {
  const response = await fetch(`${node.httpUrl}/api/documents/${id}/versions`, {
    headers: { Authorization: `ShareKey ${key}` },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as VersionListResponse
}

async function person(node: TestServer, id: string, key: string, name: string): Promise<StockClient> {
  const client = connectStockClient(node.wsUrl, id, { token: await exchangeKey(node.httpUrl, id, key, name) })
  await synced(client)
  return client
}

describe('versions in a cluster', () => {
  it('two nodes with editors in one document record one version of the window, naming both', async () => {
    const databaseUrl = await postgres.createDatabase()
    const options = {
      secret: SECRET,
      storage: 'postgres' as const,
      databaseUrl,
      redis: parseRedisTarget(redis.url),
      // Long enough that Ben's edit (a relay hop after Ann's) lands before Ann's node claims.
      versionIdleMs: 1000,
    }
    const [a, b] = await startNodePair(options)
    const { created, editKey } = await createDocumentOver(a.httpUrl, { title: 'Plans' })
    const id = created.id
    const ann = await person(a, id, editKey, 'Ann')
    const ben = await person(b, id, editKey, 'Ben')

    // Ben types once Ann's edit reached him, so his node's window closes a little after Ann's.
    ann.text.insert(0, 'Ann was here. ')
    await vi.waitFor(() => expect(ben.text.toString()).toContain('Ann'), POLL)
    ben.text.insert(0, 'Ben too. ')
    await vi.waitFor(() => expect(ann.text.toString()).toContain('Ben'), POLL)

    // Both windows have closed once both people are listed (before: each node listed its own).
    await vi.waitFor(async () => {
      const listed = (await listVersions(b, id, editKey)).versions.flatMap((version) => version.editors)
      expect(listed.sort()).toEqual(['Ann', 'Ben'])
    }, POLL)
    const { versions } = await listVersions(a, id, editKey)
    expect(versions).toHaveLength(1)
    expect([...versions[0]!.editors].sort()).toEqual(['Ann', 'Ben'])
    expect(versions[0]!.clients.map(([clientId]) => clientId).sort()).toEqual(
      [ann.doc.clientID, ben.doc.clientID].sort(),
    )
    ann.provider.destroy()
    ben.provider.destroy()
  })
})
