/** A real, throwaway `redis-server` on a free loopback port, which tests can kill and restart. */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server'
const START_DEADLINE_MS = 10_000
const STOP_DEADLINE_MS = 5_000
const PING_INTERVAL_MS = 25
const PING_TIMEOUT_MS = 500
/** Attempts at a fresh port when another process grabs ours between probing and binding. */
const PORT_ATTEMPTS = 5

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Graceful shutdown (SIGTERM) and removal of the temp dir. Safe to call after `kill()`. */
  stop(): Promise<void>
  /** SIGKILL, as a crash: clients see their sockets reset. Resolves once the process is gone. */
  kill(): Promise<void>
  /** Starts a fresh, empty server on the same port (killing the running one first, if any). */
  restart(): Promise<void>
  /**
   * Holds every client's write commands (PUBLISH included) until `resumeWrites` or `maxMs` passes
   * (`CLIENT PAUSE maxMs WRITE`): messages between nodes wait, as on a slow link, nothing is lost.
   */
  pauseWrites(maxMs: number): Promise<void>
  resumeWrites(): Promise<void>
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[]
  /** The port to listen on; default a free one. Either way `restart()` reuses it. */
  readonly port?: number
}

/** Asks the OS for a port that is free right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Sends one inline command and resolves with the raw reply once `isComplete` says so; never rejects. */
function sendInline(port: number, command: string, isComplete: (reply: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    let reply = ''
    const finish = () => {
      socket.destroy()
      resolve(reply)
    }
    socket.setTimeout(PING_TIMEOUT_MS, finish)
    socket.once('error', finish)
    socket.once('connect', () => socket.write(`${command}\r\n`))
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
      if (isComplete(reply)) finish()
    })
  })
}

/** Resolves true when something on `port` answers PING with `+PONG`. Never rejects. */
export async function pingRedis(port: number): Promise<boolean> {
  const reply = await sendInline(port, 'PING', (r) => r.includes('\r\n'))
  return reply.startsWith('+PONG')
}

/** The pid of the redis-server answering on `port`, so start-up cannot mistake a stranger for ours. */
async function redisProcessId(port: number): Promise<number | undefined> {
  const reply = await sendInline(
    port,
    'INFO server',
    (r) => /process_id:\d+\r\n/.test(r) || r.startsWith('-'),
  )
  const match = /process_id:(\d+)/.exec(reply)
  return match ? Number(match[1]) : undefined
}

function assertBinary(): void {
  if (!existsSync(REDIS_SERVER_BINARY)) {
    throw new Error(
      `${REDIS_SERVER_BINARY} not found; install it with: apt-get update && apt-get install -y redis-server`,
    )
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Spawns one server and waits until it answers PING; rejects with its output if it exits first. */
async function spawnServer(port: number, dir: string, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...extraArgs,
  ]
  const child = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const deadline = Date.now() + START_DEADLINE_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited during start-up:\n${output}`)
    }
    if ((await redisProcessId(port)) === child.pid) return child
    await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS))
  }
  child.kill('SIGKILL')
  await waitForExit(child)
  throw new Error(
    `redis-server on port ${port} did not answer PING within ${START_DEADLINE_MS} ms:\n${output}`,
  )
}

/** Starts `redis-server` with no persistence in its own temp dir. The caller must `stop()` it. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertBinary()
  const extraArgs = options.args ?? []
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-redis-'))
  let port = options.port ?? 0
  let child: ChildProcess | undefined
  for (let attempt = 1; child === undefined; attempt++) {
    const candidate = options.port ?? (await findFreePort())
    try {
      child = await spawnServer(candidate, dir, extraArgs)
      port = candidate
    } catch (error) {
      if (options.port !== undefined || attempt >= PORT_ATTEMPTS) {
        await rm(dir, { recursive: true, force: true })
        throw error
      }
    }
  }

  const terminate = async (signal: NodeJS.Signals) => {
    const running = child
    child = undefined
    if (!running) return
    running.kill(signal)
    const exited = waitForExit(running)
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_DEADLINE_MS)
    await exited
    clearTimeout(timer)
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => terminate('SIGKILL'),
    async stop() {
      await terminate('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    },
    async restart() {
      await terminate('SIGKILL')
      child = await spawnServer(port, dir, extraArgs)
    },
    async pauseWrites(maxMs) {
      const reply = await sendInline(port, `CLIENT PAUSE ${Math.round(maxMs)} WRITE`, (r) =>
        r.includes('\r\n'),
      )
      if (!reply.startsWith('+OK')) throw new Error(`CLIENT PAUSE failed: ${reply}`)
    },
    async resumeWrites() {
      const reply = await sendInline(port, 'CLIENT UNPAUSE', (r) => r.includes('\r\n'))
      if (!reply.startsWith('+OK')) throw new Error(`CLIENT UNPAUSE failed: ${reply}`)
    },
  }
}
