/** Durability through real server processes and a real SQLite file: restart, SIGKILL, two writers, corruption. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CLOSE_CODES, createToken } from '@tandem/shared'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { databaseFile, SqliteStore } from '../src/persistence/sqlite/SqliteStore'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { spawnServer } from './helpers/spawnServer'
import { covers } from './helpers/yjsState'

const SECRET = 'persistence-test-secret'
const POLL = { timeout: 10_000, interval: 25 }
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-persist-'))
  dirs.push(dir)
  return dir
}

async function client(port: number, room: string): Promise<StockClient> {
  const token = await createToken({ secret: SECRET, sub: `user-${room}`, room, role: 'editor' })
  const stock = connectStockClient(`ws://127.0.0.1:${port}/ws`, room, { token })
  await synced(stock)
  return stock
}

describe('SQLite persistence through the server', () => {
  it('keeps edits made by stock clients across a graceful restart', async () => {
    const env = { DATA_DIR: tempDataDir(), TANDEM_SECRET: SECRET }
    const first = await spawnServer(env)
    const a = await client(first.port, 'restart')
    a.text.insert(0, 'survives a restart')
    const b = await client(first.port, 'restart')
    await vi.waitFor(() => expect(b.text.toString()).toBe('survives a restart'), POLL)
    a.provider.destroy()
    b.provider.destroy()
    expect(await first.stop()).toBe(0)

    const second = await spawnServer(env)
    const c = await client(second.port, 'restart')
    expect(c.text.toString()).toBe('survives a restart')
  })

  it.each(['fsync', 'process'])(
    'DURABILITY=%s: loses nothing any client had received when the server is SIGKILLed mid-typing',
    async (durability) => {
      const env = { DATA_DIR: tempDataDir(), TANDEM_SECRET: SECRET, DURABILITY: durability }
      // Several kill points: after a short, a medium and a longer stretch of typing.
      for (const killAfterUpdates of [5, 37, 120]) {
        const room = `crash-${killAfterUpdates}`
        const server = await spawnServer(env)
        const writer = await client(server.port, room)
        const watcher = await client(server.port, room)
        let typed = 0
        const typing = setInterval(() => {
          writer.text.insert(writer.text.length, String(typed++ % 10))
        }, 2)
        await vi.waitFor(() => expect(watcher.text.length).toBeGreaterThanOrEqual(killAfterUpdates), POLL)
        await server.kill()
        clearInterval(typing)
        const seenState = Y.encodeStateVector(watcher.doc)
        const seenText = watcher.text.toString()
        writer.provider.destroy()
        watcher.provider.destroy()

        const restarted = await spawnServer(env)
        const reader = await client(restarted.port, room)
        expect(covers(reader.doc, seenState), `${room}: every update the watcher saw is stored`).toBe(true)
        expect(reader.text.toString().startsWith(seenText)).toBe(true)
        await restarted.stop()
      }
    },
  )

  it('loses no update when two server processes write and compact one database file', async () => {
    const env = { DATA_DIR: tempDataDir(), TANDEM_SECRET: SECRET, COMPACT_THRESHOLD_ROWS: '15' }
    const [one, two] = await Promise.all([spawnServer(env), spawnServer(env)])
    const a = await client(one.port, 'shared-file')
    const b = await client(two.port, 'shared-file')
    for (let i = 0; i < 150; i++) {
      a.text.insert(a.text.length, 'a')
      b.text.insert(b.text.length, 'b')
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const expected = Y.mergeUpdates([Y.encodeStateAsUpdate(a.doc), Y.encodeStateAsUpdate(b.doc)])
    const expectedState = Y.encodeStateVectorFromUpdate(expected)
    // Both nodes acknowledge through their own watcher clients once everything is stored.
    const aWatch = await client(one.port, 'shared-file')
    const bWatch = await client(two.port, 'shared-file')
    await vi.waitFor(() => {
      expect(aWatch.text.length).toBe(150)
      expect(bWatch.text.length).toBe(150)
    }, POLL)
    for (const stock of [a, b, aWatch, bWatch]) stock.provider.destroy()
    await Promise.all([one.stop(), two.stop()])

    const store = new SqliteStore(databaseFile(env.DATA_DIR))
    const stored = await store.load('shared-file')
    await store.close()
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    expect(covers(doc, expectedState)).toBe(true)
    expect(doc.getText('t').length).toBe(300)
    expect(stored.snapshot, 'compaction ran').not.toBeNull()
  })

  it('refuses a room whose stored row is corrupt (4500), serves other rooms, and keeps the row', async () => {
    const dataDir = tempDataDir()
    const store = new SqliteStore(databaseFile(dataDir))
    const good = new Y.Doc()
    good.getText('t').insert(0, 'fine')
    await store.append([
      { room: 'broken', update: Y.encodeStateAsUpdate(good) },
      { room: 'healthy', update: Y.encodeStateAsUpdate(good) },
    ])
    await store.close()
    const db = new Database(databaseFile(dataDir))
    db.prepare("UPDATE updates SET data = X'DEADBEEF' WHERE room = 'broken'").run()
    db.close()

    const server = await spawnServer({ DATA_DIR: dataDir, TANDEM_SECRET: SECRET })
    const token = await createToken({ secret: SECRET, sub: 'u', room: 'broken', role: 'editor' })
    const broken = connectStockClient(`ws://127.0.0.1:${server.port}/ws`, 'broken', { token })
    const code = await new Promise<number>((resolve) =>
      broken.provider.on('connection-close', (event) => resolve(event?.code ?? 0)),
    )
    expect(code).toBe(CLOSE_CODES.ROOM_LOAD_FAILED.code)
    broken.provider.destroy()
    const healthy = await client(server.port, 'healthy')
    expect(healthy.text.toString()).toBe('fine')
    await server.stop()

    const check = new Database(databaseFile(dataDir), { readonly: true })
    const row = check.prepare("SELECT hex(data) AS data FROM updates WHERE room = 'broken'").get() as {
      data: string
    }
    check.close()
    expect(row.data).toBe('DEADBEEF')
  })
})
