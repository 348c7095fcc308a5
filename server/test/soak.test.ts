/**
 * A bounded soak against a node in its own process: hundreds of stock clients joining, typing and
 * leaving, while the node's RSS and open file descriptors are sampled. SOAK_SECONDS, SOAK_CLIENTS
 * and SOAK_SEED size and replay it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createToken } from '@tandem/shared'
import * as prng from 'lib0/prng'
import { describe, expect, it, onTestFailed, onTestFinished, vi } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { spawnServer } from './helpers/spawnServer'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20)
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200)
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31))
const ROOMS = 20
const TICK_MS = 200
/** Share of clients replaced by new ones, and share that type a character, per tick. */
const CHURN_PER_TICK = 0.05
const TYPING_PER_TICK = 0.3
const SECRET = 'soak-test-secret-0123456789-abcdefghijkl'
const POLL = { timeout: 30_000, interval: 100 }

interface Sample {
  readonly atMs: number
  readonly rssBytes: number
  readonly fds: number
}

function sample(pid: number, startedAt: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1])
  return { atMs: Date.now() - startedAt, rssBytes: rssKb * 1024, fds: readdirSync(`/proc/${pid}/fd`).length }
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Samples taken between `from` and `to` (fractions of the run). */
function window(samples: readonly Sample[], totalMs: number, from: number, to: number): Sample[] {
  return samples.filter((s) => s.atMs >= from * totalMs && s.atMs <= to * totalMs)
}

async function gauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)![1])
}

describe('soak', () => {
  it(
    `keeps memory and file descriptors flat through ${SECONDS} s of ${CLIENTS} clients churning`,
    async () => {
      onTestFailed(() => console.error(`soak.test.ts failed with SOAK_SEED=${SEED} SOAK_SECONDS=${SECONDS}`))
      const gen = prng.create(SEED)
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-soak-'))
      onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }))
      const node = await spawnServer({ DATA_DIR: dataDir, TANDEM_SECRET: SECRET })
      const pid = node.process.pid!
      const token = await createToken({
        secret: SECRET,
        sub: 'soak',
        room: '*',
        role: 'editor',
        ttlSeconds: 3600,
      })
      const idle = sample(pid, Date.now())

      const clients = new Set<{ provider: WebsocketProvider; doc: Y.Doc }>()
      let joined = 0
      const join = () => {
        const doc = new Y.Doc()
        const provider = new WebsocketProvider(
          `ws://127.0.0.1:${node.port}/ws`,
          `soak-${prng.int32(gen, 0, ROOMS - 1)}`,
          doc,
          {
            params: { token },
            disableBc: true,
            WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          },
        )
        provider.awareness.setLocalStateField('user', { name: `user-${joined++}` })
        clients.add({ provider, doc })
      }
      const leave = (entry: { provider: WebsocketProvider; doc: Y.Doc }) => {
        entry.provider.destroy()
        entry.doc.destroy()
        clients.delete(entry)
      }
      onTestFinished(() => {
        for (const entry of [...clients]) leave(entry)
      })
      for (let i = 0; i < CLIENTS; i++) join()

      const samples: Sample[] = []
      const startedAt = Date.now()
      let typed = 0
      const totalMs = SECONDS * 1000
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const list = [...clients]
          for (const entry of list) {
            if (prng.real53(gen) < CHURN_PER_TICK) {
              leave(entry)
              join()
            } else if (prng.real53(gen) < TYPING_PER_TICK && entry.provider.synced) {
              const text = entry.doc.getText('t')
              text.insert(prng.int32(gen, 0, text.length), String.fromCharCode(97 + prng.int32(gen, 0, 25)))
              entry.provider.awareness.setLocalStateField('cursor', text.length)
              typed++
            }
          }
          samples.push(sample(pid, startedAt))
          if (Date.now() - startedAt >= totalMs) {
            clearInterval(tick)
            resolve()
          }
        }, TICK_MS)
      })

      // Warm-up is the first 40%; after it, memory and descriptors must stay level.
      const warm = window(samples, totalMs, 0.4, 0.55)
      const late = window(samples, totalMs, 0.75, 1)
      const warmRss = median(warm.map((s) => s.rssBytes))
      const lateRss = median(late.map((s) => s.rssBytes))
      const warmFds = median(warm.map((s) => s.fds))
      const lateFds = median(late.map((s) => s.fds))
      const connected = await gauge(node.port, 'tandem_connections')

      for (const entry of [...clients]) leave(entry)
      await vi.waitFor(async () => {
        expect(await gauge(node.port, 'tandem_connections')).toBe(0)
        expect(await gauge(node.port, 'tandem_rooms')).toBe(0)
      }, POLL)
      // Back to idle, give or take the database's WAL and shared-memory files, opened by the first write.
      await vi.waitFor(() => expect(sample(pid, startedAt).fds).toBeLessThanOrEqual(idle.fds + 5), POLL)
      const after = sample(pid, startedAt)
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
      console.info(
        `soak seed=${SEED}: ${SECONDS} s, ${CLIENTS} clients (${connected} connected at the end), ${joined} joins, ${typed} keystrokes; ` +
          `RSS idle ${mb(idle.rssBytes)} MB, warm ${mb(warmRss)} MB, late ${mb(lateRss)} MB, after ${mb(after.rssBytes)} MB; ` +
          `fds idle ${idle.fds}, warm ${warmFds}, late ${lateFds}, after ${after.fds}`,
      )
      expect(connected, 'the clients were really connected').toBeGreaterThan(CLIENTS * 0.8)
      expect(lateRss - warmRss, 'RSS flat after warm-up').toBeLessThan(Math.max(32e6, warmRss * 0.2))
      expect(Math.abs(lateFds - warmFds), 'descriptors flat after warm-up').toBeLessThan(CLIENTS * 0.2 + 10)
    },
    (SECONDS + 90) * 1000,
  )
})
