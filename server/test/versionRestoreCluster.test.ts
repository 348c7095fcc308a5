/**
 * A restore in a cluster (issue 19 review): the version kept before a restore must hold every
 * node's edits, not only the restoring node's window. Two nodes relayed through a real Redis and
 * sharing one PostgreSQL database; Ben edits through node B, the restore goes through node A.
 */
import type { VersionListResponse } from '@tandem/shared'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { parseRedisTarget } from '../src/relay/redisTarget'
import { connectStockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { usePostgres } from './helpers/postgresDatabase'
import { type RedisServer, startRedisServer } from './helpers/redisServer'
import { startNodePair, type TestServer } from './helpers/startServer'

const SECRET = 'version-restore-cluster-secret-0123456789'
const POLL = { timeout: 20_000, interval: 25 }
const postgres = usePostgres()
let redis: RedisServer

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

/** Each version as `kind:editors:text`, read back through node's API. */
async function versionTexts(node: TestServer, id: string, key: string): Promise<string[]> {
  const headers = { Authorization: `ShareKey ${key}` }
  const list = (await (
    await fetch(`${node.httpUrl}/api/documents/${id}/versions`, { headers })
  ).json()) as VersionListResponse
  const texts: string[] = []
  for (const version of list.versions) {
    const body = await fetch(`${node.httpUrl}/api/documents/${id}/versions/${version.id}?format=yjs`, {
      headers,
    })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(await body.arrayBuffer()))
    texts.push(`${version.kind}:${version.editors.join(',')}:${doc.getText('t').toString()}`)
  }
  return texts
}

it('a restore through node A keeps a version of edits that are pending on node B', async () => {
  const databaseUrl = await postgres.createDatabase()
  const options = {
    secret: SECRET,
    storage: 'postgres' as const,
    databaseUrl,
    redis: parseRedisTarget(redis.url),
    // Ben's window on node B stays open through the restore.
    versionIdleMs: 30_000,
  }
  const [a, b] = await startNodePair(options)
  const { created, editKey } = await createDocumentOver(a.httpUrl, { title: 'Plans' })
  const id = created.id
  const auth = { Authorization: `ShareKey ${editKey}`, 'Content-Type': 'application/json' }
  const named = await fetch(`${a.httpUrl}/api/documents/${id}/versions`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'empty' }),
  })
  expect(named.status).toBe(201)
  const empty = (await named.json()) as { id: string }

  const ann = connectStockClient(a.wsUrl, id, { token: await exchangeKey(a.httpUrl, id, editKey, 'Ann') })
  const ben = connectStockClient(b.wsUrl, id, { token: await exchangeKey(b.httpUrl, id, editKey, 'Ben') })
  await Promise.all([synced(ann), synced(ben)])
  // Plain Yjs text: the restore rewrites the editor's tree (root-v2), so this text stays, and the
  // versions show what each held.
  ben.text.insert(0, 'Ben important')
  // Relayed only once stored: when Ann (node A) has it, node A's store has it too.
  await vi.waitFor(() => expect(ann.text.toString()).toBe('Ben important'), POLL)

  const restored = await fetch(`${a.httpUrl}/api/documents/${id}/versions/${empty.id}/restore`, {
    method: 'POST',
    headers: auth,
  })
  expect(restored.status).toBe(204)
  // Before: node A had no window of its own, so nothing was kept and Ben's text was in no version.
  expect(await versionTexts(a, id, editKey)).toContain('auto::Ben important')
  ann.provider.destroy()
  ben.provider.destroy()
}, 60_000)
