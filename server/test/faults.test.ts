/**
 * Faults injected into real components: nodes SIGKILLed while clients type, Redis killed and hung
 * (SIGSTOP), a full disk and a read-only data directory. FAULT_SEED replays the kill points;
 * FAULT_ROUNDS sizes the kill loop.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { CLOSE_CODES, createToken } from '@tandem/shared'
import * as prng from 'lib0/prng'
import { describe, expect, it, onTestFailed, onTestFinished, vi } from 'vitest'
import * as Y from 'yjs'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { REDIS_CLI_BINARY } from './helpers/redisCluster'
import { findFreePort, startRedisServer } from './helpers/redisServer'
import { type SpawnedServer, spawnServer } from './helpers/spawnServer'
import { spawnTandem } from './helpers/tandemProcess'
import { covers } from './helpers/yjsState'

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31))
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 5)
const SECRET = 'faults-test-secret-0123456789-abcdefghij'
const POLL = { timeout: 30_000, interval: 50 }
const run = promisify(execFile)

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function client(port: number, room: string): Promise<StockClient> {
  const token = await createToken({
    secret: SECRET,
    sub: `u-${room}`,
    room,
    role: 'editor',
    ttlSeconds: 3600,
  })
  const stock = connectStockClient(`ws://127.0.0.1:${port}/ws`, room, { token })
  await synced(stock)
  return stock
}

/** Types one character every `intervalMs`, counting what it typed; returns a stop function. */
function typeInto(
  stock: StockClient,
  letter: string,
  intervalMs: number,
): { stop(): void; readonly typed: number } {
  let typed = 0
  const timer = setInterval(() => {
    stock.text.insert(stock.text.length, letter)
    typed++
  }, intervalMs)
  onTestFinished(() => clearInterval(timer))
  return {
    stop: () => clearInterval(timer),
    get typed() {
      return typed
    },
  }
}

function count(text: string, letter: string): number {
  return text.split(letter).length - 1
}

async function readiness(port: number): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`)
  const body = (await response.json()) as { checks: Record<string, string> }
  return { status: response.status, checks: body.checks }
}

describe('SIGKILL while clients type', () => {
  it(
    `loses nothing any client saw over ${ROUNDS} kills at random points, and every keystroke lands`,
    async () => {
      onTestFailed(() => console.error(`faults.test.ts failed with FAULT_SEED=${SEED}`))
      const gen = prng.create(SEED)
      const port = await findFreePort()
      const env = { DATA_DIR: tempDir('tandem-kill-'), TANDEM_SECRET: SECRET, PORT: String(port) }
      let node: SpawnedServer = await spawnServer(env)
      const writers = [await client(port, 'crash'), await client(port, 'crash')]
      const watcher = await client(port, 'crash')
      const typists = writers.map((writer, i) => typeInto(writer, i === 0 ? 'a' : 'b', 4))
      const seen: Uint8Array[] = []
      const started = Date.now()

      for (let round = 0; round < ROUNDS; round++) {
        // A seeded kill point: once the watcher has seen 20-300 more characters.
        const target = watcher.text.length + prng.int32(gen, 20, 300)
        await vi.waitFor(() => expect(watcher.text.length).toBeGreaterThanOrEqual(target), POLL)
        await node.kill()
        seen.push(Y.encodeStateVector(watcher.doc))
        // The clients keep typing offline and reconnect on their own to the node restarted on the port.
        node = await spawnServer(env)
      }
      for (const typist of typists) typist.stop()
      const typed = { a: typists[0]!.typed, b: typists[1]!.typed }
      await vi.waitFor(() => {
        for (const stock of [...writers, watcher]) {
          expect(count(stock.text.toString(), 'a')).toBe(typed.a)
          expect(count(stock.text.toString(), 'b')).toBe(typed.b)
        }
      }, POLL)

      // One more crash, then read what is stored through a fresh client.
      await node.kill()
      node = await spawnServer(env)
      const reader = await client(port, 'crash')
      for (const [round, state] of seen.entries()) {
        expect(
          covers(reader.doc, state),
          `seed ${SEED}: what the watcher saw before kill ${round + 1} is stored`,
        ).toBe(true)
      }
      expect(count(reader.text.toString(), 'a')).toBe(typed.a)
      expect(count(reader.text.toString(), 'b')).toBe(typed.b)
      console.info(
        `kill loop seed=${SEED}: ${ROUNDS + 1} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${typed.a + typed.b} keystrokes, all stored`,
      )
    },
    60_000 + ROUNDS * 15_000,
  )
})

/** The pid of the redis-server on `port`, from its own INFO. */
async function redisPid(port: number): Promise<number> {
  const { stdout } = await run(REDIS_CLI_BINARY, ['-h', '127.0.0.1', '-p', String(port), 'INFO', 'server'])
  return Number(/process_id:(\d+)/.exec(stdout)![1])
}

describe('Redis faults under load, two node processes', () => {
  it('serves local clients through a Redis crash and a hung Redis, reports it on /readyz, and converges after', async () => {
    const redis = await startRedisServer()
    onTestFinished(() => redis.stop())
    const env = { DATA_DIR: tempDir('tandem-redis-fault-'), TANDEM_SECRET: SECRET, REDIS_URL: redis.url }
    const [one, two] = await Promise.all([
      spawnServer({ ...env, NODE_ID: 'n1' }),
      spawnServer({ ...env, NODE_ID: 'n2' }),
    ])
    const a = await client(one.port, 'relay-load')
    const aWatch = await client(one.port, 'relay-load')
    const b = await client(two.port, 'relay-load')
    const bWatch = await client(two.port, 'relay-load')
    const typingA = typeInto(a, 'a', 10)
    const typingB = typeInto(b, 'b', 10)
    await vi.waitFor(() => {
      expect(count(bWatch.text.toString(), 'a')).toBeGreaterThan(10)
      expect(count(aWatch.text.toString(), 'b')).toBeGreaterThan(10)
    }, POLL)

    /** Each node's own clients still see each other's newest edits. */
    const localFlowContinues = async () => {
      const [aNow, bNow] = [typingA.typed, typingB.typed]
      await vi.waitFor(() => {
        expect(count(aWatch.text.toString(), 'a')).toBeGreaterThan(aNow + 10)
        expect(count(bWatch.text.toString(), 'b')).toBeGreaterThan(bNow + 10)
      }, POLL)
    }
    const bothReady = (ready: boolean) =>
      vi.waitFor(async () => {
        for (const node of [one, two]) {
          const { status, checks } = await readiness(node.port)
          expect(status).toBe(ready ? 200 : 503)
          expect(checks.redis === 'ok').toBe(ready)
          expect(checks.storage).toBe('ok')
        }
      }, POLL)

    // 1. Redis crashes (SIGKILL) and comes back empty on the same port.
    await redis.kill()
    await bothReady(false)
    await localFlowContinues()
    await redis.restart()
    await bothReady(true)

    // 2. Redis hangs: the process is stopped, its sockets stay open and silent.
    const pid = await redisPid(redis.port)
    process.kill(pid, 'SIGSTOP')
    onTestFinished(() => {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // already gone
      }
    })
    const stoppedAt = Date.now()
    await bothReady(false)
    const detectedMs = Date.now() - stoppedAt
    await localFlowContinues()
    process.kill(pid, 'SIGCONT')
    await bothReady(true)

    typingA.stop()
    typingB.stop()
    await vi.waitFor(() => {
      for (const stock of [a, aWatch, b, bWatch]) {
        expect(count(stock.text.toString(), 'a')).toBe(typingA.typed)
        expect(count(stock.text.toString(), 'b')).toBe(typingB.typed)
        expect(stock.text.toString()).toBe(a.text.toString())
      }
    }, POLL)
    console.info(
      `redis faults: ${typingA.typed + typingB.typed} keystrokes on two nodes; hung Redis reported after ${detectedMs} ms`,
    )
  }, 180_000)
})

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN); the disk tests need it. */
function canMount(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' })
    execFileSync('umount', [dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmdirSync(dir)
  }
}

/** A fresh directory with `mountArgs` mounted on it, unmounted and removed when the test ends. */
function mounted(mountArgs: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-disk-'))
  execFileSync('mount', [...mountArgs, dir])
  onTestFinished(() => {
    execFileSync('umount', ['-l', dir])
    rmdirSync(dir)
  })
  return dir
}

/** Writes zeros into `file` until the file system is full. */
function fillDisk(file: string): void {
  const block = Buffer.alloc(64 * 1024)
  let written = 0
  try {
    for (;;) {
      writeFileSync(file, block, { flag: 'a' })
      written += block.byteLength
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  }
  expect(written).toBeGreaterThan(0)
}

describe.skipIf(!canMount())('a full or read-only disk (tmpfs mounts)', () => {
  it('refuses edits it cannot store (4503 to the sender), keeps serving readers, and takes them once there is room', async () => {
    const dataDir = mounted(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs'])
    const port = await findFreePort()
    const env = { DATA_DIR: dataDir, TANDEM_SECRET: SECRET, PORT: String(port) }
    let node = await spawnServer(env)
    const writer = await client(port, 'full-disk')
    const reader = await client(port, 'full-disk')
    writer.text.insert(0, 'stored before the disk filled. ')
    await vi.waitFor(() => expect(reader.text.toString()).toBe('stored before the disk filled. '), POLL)

    const filler = path.join(dataDir, 'filler')
    fillDisk(filler)
    const closes: number[] = []
    writer.provider.on('connection-close', (event) => closes.push(event?.code ?? 0))
    // Big enough that the write-ahead log must grow into space that is not there.
    const paste = 'p'.repeat(512 * 1024)
    writer.text.insert(writer.text.length, paste)
    await vi.waitFor(() => expect(closes).toContain(CLOSE_CODES.STORAGE_UNAVAILABLE.code), POLL)
    const { status, checks } = await readiness(port)
    expect(status).toBe(503)
    expect(checks.storage).not.toBe('ok')
    expect(reader.provider.wsconnected, 'the reader stays connected').toBe(true)
    expect(reader.text.toString(), 'nothing unstored reached the reader').toBe(
      'stored before the disk filled. ',
    )

    // Room again: the writer reconnects by itself (45xx is transient) and resends its edit.
    unlinkSync(filler)
    await vi.waitFor(() => expect(reader.text.length).toBe(31 + paste.length), POLL)
    await vi.waitFor(async () => expect((await readiness(port)).status).toBe(200), POLL)

    // What the reader saw is on disk: it survives a SIGKILL.
    const seen = Y.encodeStateVector(reader.doc)
    await node.kill()
    node = await spawnServer(env)
    const fresh = await client(port, 'full-disk')
    expect(covers(fresh.doc, seen)).toBe(true)
    expect(fresh.text.toString()).toBe(reader.text.toString())
  }, 120_000)

  it('refuses to start on a read-only data directory, saying why', async () => {
    const writable = tempDir('tandem-ro-src-')
    const readOnly = mounted(['--bind', writable])
    execFileSync('mount', ['-o', 'remount,ro,bind', readOnly])
    await expect(spawnTandem({ DATA_DIR: readOnly, TANDEM_SECRET: SECRET })).rejects.toThrow(
      /exited with 1 before listening[\s\S]*(EROFS|read-only)/,
    )
  })
})
