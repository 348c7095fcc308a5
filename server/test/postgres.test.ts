/** Two real nodes on one PostgreSQL database plus Redis: convergence, compaction, a SIGKILLed node, a database restart. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createToken } from '@tandem/shared'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { PostgresStore } from '../src/persistence/postgres/PostgresStore'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { usePostgres } from './helpers/postgresDatabase'
import { type RedisServer, startRedisServer } from './helpers/redisServer'
import { type SpawnedServer, spawnServer } from './helpers/spawnServer'

const SECRET = 'postgres-test-secret'
const POLL = { timeout: 20_000, interval: 25 }
const postgres = usePostgres()
let redis: RedisServer
let dataDir: string

beforeAll(async () => {
  redis = await startRedisServer()
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-pg-nodes-'))
})
afterAll(async () => {
  await redis?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

function nodeEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    TANDEM_SECRET: SECRET,
    DATA_DIR: dataDir,
    ...extra,
  }
}

async function client(node: SpawnedServer, room: string): Promise<StockClient> {
  const token = await createToken({ secret: SECRET, sub: `user-${room}`, room, role: 'editor' })
  const stock = connectStockClient(`ws://127.0.0.1:${node.port}/ws`, room, { token })
  await synced(stock)
  return stock
}

/** The room as stored in Postgres, read by a store of its own. */
async function storedDoc(databaseUrl: string, room: string): Promise<{ doc: Y.Doc; snapshot: boolean }> {
  const store = new PostgresStore(databaseUrl, { healthProbeIntervalMs: 0 })
  try {
    const stored = await store.load(room)
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    return { doc, snapshot: stored.snapshot !== null }
  } finally {
    await store.close()
  }
}

/** True when every change `seen` holds is also in `doc`. */
function covers(doc: Y.Doc, seen: Uint8Array): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [clientId, clock] of Y.decodeStateVector(seen))
    if ((have.get(clientId) ?? 0) < clock) return false
  return true
}

async function readyStatus(node: SpawnedServer): Promise<number> {
  return (await fetch(`http://127.0.0.1:${node.port}/readyz`)).status
}

describe('Postgres store through two real nodes', { timeout: 60_000 }, () => {
  it('converges concurrent edits on two nodes and compacts, with every update stored', async () => {
    const databaseUrl = await postgres.createDatabase()
    const env = nodeEnv(databaseUrl, { COMPACT_THRESHOLD_ROWS: '15' })
    const [one, two] = await Promise.all([spawnServer(env), spawnServer(env)])
    const a = await client(one, 'shared')
    const b = await client(two, 'shared')
    for (let i = 0; i < 150; i++) {
      a.text.insert(a.text.length, 'a')
      b.text.insert(b.text.length, 'b')
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await vi.waitFor(() => {
      expect(a.text.length).toBe(300)
      expect(b.text.toString()).toBe(a.text.toString())
    }, POLL)
    const seen = Y.encodeStateVector(a.doc)
    a.provider.destroy()
    b.provider.destroy()
    expect(await one.stop()).toBe(0)
    expect(await two.stop()).toBe(0)

    const { doc, snapshot } = await storedDoc(databaseUrl, 'shared')
    expect(covers(doc, seen)).toBe(true)
    expect(doc.getText('t').toString()).toBe(a.text.toString())
    expect(snapshot, 'compaction ran').toBe(true)
  })

  it('loses nothing another node had received when a node is SIGKILLed mid-typing', async () => {
    const databaseUrl = await postgres.createDatabase()
    const env = nodeEnv(databaseUrl)
    const killPoints = [10, 60]
    const [survivor, ...victims] = (await Promise.all(
      [env, ...killPoints.map(() => env)].map(spawnServer),
    )) as [SpawnedServer, ...SpawnedServer[]]
    for (const [round, killAfterUpdates] of killPoints.entries()) {
      const room = `crash-${killAfterUpdates}`
      const victim = victims[round]!
      const writer = await client(victim, room)
      // Relayed updates reach the other node only after the victim stored them.
      const watcher = await client(survivor, room)
      let typed = 0
      const typing = setInterval(() => writer.text.insert(writer.text.length, String(typed++ % 10)), 2)
      await vi.waitFor(() => expect(watcher.text.length).toBeGreaterThanOrEqual(killAfterUpdates), POLL)
      await victim.kill()
      clearInterval(typing)
      const seen = Y.encodeStateVector(watcher.doc)
      writer.provider.destroy()
      watcher.provider.destroy()

      const { doc } = await storedDoc(databaseUrl, room)
      expect(covers(doc, seen), `${room}: every update the other node received is stored`).toBe(true)
    }
  })

  it('keeps every acknowledged edit through a Postgres restart, and /readyz reports the outage', async () => {
    const databaseUrl = await postgres.createDatabase()
    const [one, two] = await Promise.all([
      spawnServer(nodeEnv(databaseUrl)),
      spawnServer(nodeEnv(databaseUrl)),
    ])
    const writer = await client(one, 'outage')
    const watcher = await client(two, 'outage')
    writer.text.insert(0, 'before ')
    await vi.waitFor(() => expect(watcher.text.toString()).toBe('before '), POLL)

    await postgres.server.kill()
    try {
      for (let i = 0; i < 20; i++) writer.text.insert(writer.text.length, 'x')
      await vi.waitFor(async () => {
        expect(await readyStatus(one)).toBe(503)
        expect(await readyStatus(two)).toBe(503)
      }, POLL)
    } finally {
      await postgres.server.restart()
    }
    await vi.waitFor(async () => {
      expect(await readyStatus(one)).toBe(200)
      expect(await readyStatus(two)).toBe(200)
    }, POLL)
    writer.text.insert(writer.text.length, ' after')
    // The writer keeps its edits through the outage and they are stored once the database is back.
    await vi.waitFor(() => expect(watcher.text.toString()).toBe(`before ${'x'.repeat(20)} after`), POLL)
    const seen = Y.encodeStateVector(watcher.doc)
    const { doc } = await storedDoc(databaseUrl, 'outage')
    expect(covers(doc, seen)).toBe(true)
  })
})
