/** A real, throwaway PostgreSQL server (initdb in a temp dir, free loopback port) that tests can kill and restart. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { findFreePort } from './redisServer'

const BINARY_ROOT = '/usr/lib/postgresql'
const INSTALL_HINT = 'apt-get update && apt-get install -y postgresql'
const START_DEADLINE_MS = 20_000
const STOP_DEADLINE_MS = 10_000
const POLL_INTERVAL_MS = 50
const PROBE_TIMEOUT_MS = 1000
/** Attempts at a fresh port when another process grabs ours between probing and binding. */
const PORT_ATTEMPTS = 5
/** The superuser initdb creates; trust auth, so no password. */
const SUPERUSER = 'postgres'

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (the maintenance database). */
  readonly url: string
  readonly port: number
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>
  /** Drops the database, ending its sessions. Safe when it does not exist. */
  dropDatabase(name: string): Promise<void>
  /** Fast shutdown (SIGINT) and removal of the data directory. Safe to call after `kill()`. */
  stop(): Promise<void>
  /** SIGKILL of the postmaster and every backend, as a crash. Resolves once the postmaster is gone. */
  kill(): Promise<void>
  /** Starts the server again on the same port and data (crash recovery), killing it first if running. */
  restart(): Promise<void>
}

export interface PostgresServerOptions {
  /**
   * Default false: tests only kill processes, never the machine, and a killed server keeps every
   * commit the OS has received, so fsync buys nothing here but time on a busy machine.
   */
  readonly fsync?: boolean
}

interface Binaries {
  readonly initdb: string
  readonly postgres: string
}

/** initdb and postgres of the newest PostgreSQL installed the Debian way. */
function findBinaries(): Binaries {
  const versions = existsSync(BINARY_ROOT)
    ? readdirSync(BINARY_ROOT)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : []
  for (const version of versions) {
    const bin = path.join(BINARY_ROOT, version, 'bin')
    const binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') }
    if (existsSync(binaries.initdb) && existsSync(binaries.postgres)) return binaries
  }
  throw new Error(
    `PostgreSQL server binaries not found in ${BINARY_ROOT}/*/bin; install them with: ${INSTALL_HINT}`,
  )
}

/** Postgres refuses to run as root: as root, run it as the `postgres` user the package creates. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    throw new Error(`running as root and there is no "postgres" user to run the server as; ${INSTALL_HINT}`)
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** The data directory of the server answering on `port`, or undefined while nothing usable answers. */
async function probeDataDirectory(port: number): Promise<string | undefined> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    database: 'postgres',
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory')
    return rows[0]?.data_directory
  } catch {
    return undefined
  } finally {
    await client.end().catch(() => {})
  }
}

/** Runs a statement on the maintenance database with a short-lived connection. */
async function administer(port: number, sql: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' })
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${JSON.stringify(name)}`)
  return `"${name}"`
}

/** Starts the postmaster and waits until it answers with our data directory; rejects with its log if it exits first. */
async function spawnPostmaster(
  binaries: Binaries,
  dataDir: string,
  socketDir: string,
  port: number,
  options: PostgresServerOptions,
  user: { uid: number; gid: number } | undefined,
): Promise<ChildProcess> {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir}`,
    '-c',
    `fsync=${options.fsync ? 'on' : 'off'}`,
    '-c',
    'logging_collector=off',
  ]
  const child = spawn(binaries.postgres, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: path.dirname(dataDir),
    ...user,
  })
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
      throw new Error(`postgres on port ${port} exited during start-up:\n${output}`)
    }
    if ((await probeDataDirectory(port)) === dataDir) return child
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
  await killAll(child)
  await waitForExit(child)
  throw new Error(
    `postgres on port ${port} did not accept connections within ${START_DEADLINE_MS} ms:\n${output}`,
  )
}

/** State letter of a process from /proc/<pid>/stat ('Z' zombie, ...), or undefined once it is gone. */
function processState(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may contain spaces; state and ppid follow it.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: state!, ppid: Number(ppid) }
  } catch {
    return undefined
  }
}

/** Pids of the processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => processState(candidate)?.ppid === pid)
}

/**
 * SIGKILL of the postmaster and its backends at once, as a crash of the machine's Postgres would
 * leave things. Each backend is its own session, so there is no group to kill: the postmaster is
 * stopped first so it cannot fork while its children are listed. Resolves once every one of them
 * has exited (zombies have released their memory), since a new postmaster refuses to start while
 * an old backend still holds the shared memory.
 */
async function killAll(child: ChildProcess): Promise<void> {
  const postmaster = child.pid!
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name)
    } catch {
      // Already gone.
    }
  }
  signal(postmaster, 'SIGSTOP')
  const pids = [postmaster, ...childrenOf(postmaster)]
  for (const pid of pids) signal(pid, 'SIGKILL')
  const deadline = Date.now() + STOP_DEADLINE_MS
  while (pids.some((pid) => (processState(pid)?.state ?? 'Z') !== 'Z') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS / 5))
  }
}

/**
 * Removes the shared memory segment a killed postmaster left, named on line 7 of postmaster.pid
 * ("key id"); a cleanly stopped server has removed both the segment and the file. Best effort.
 */
function removeSharedMemory(dataDir: string): void {
  try {
    const segment = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8')
      .split('\n')[6]
      ?.trim()
      .split(/\s+/)[1]
    if (segment && /^\d+$/.test(segment)) execFileSync('ipcrm', ['-m', segment], { stdio: 'ignore' })
  } catch {
    // No file (clean stop) or the segment is gone already.
  }
}

/** Initializes a cluster in a temp dir and starts it on a free port. The caller must `stop()` it. */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = findBinaries()
  const user = serverUser()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-pg-'))
  const dataDir = path.join(dir, 'data')
  let child: ChildProcess | undefined
  let port = 0
  try {
    if (user) await chown(dir, user.uid, user.gid)
    execFileSync(
      binaries.initdb,
      ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...user },
    )
    for (let attempt = 1; child === undefined; attempt++) {
      const candidate = await findFreePort()
      try {
        child = await spawnPostmaster(binaries, dataDir, dir, candidate, options, user)
        port = candidate
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS) throw error
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }

  const terminate = async (signal: NodeJS.Signals) => {
    const running = child
    child = undefined
    if (!running) return
    const exited = waitForExit(running)
    if (signal === 'SIGKILL') await killAll(running)
    else running.kill(signal)
    const timer = setTimeout(() => void killAll(running), STOP_DEADLINE_MS)
    await exited
    clearTimeout(timer)
  }

  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
    port,
    async createDatabase(name) {
      await administer(port, `CREATE DATABASE ${quoteIdentifier(name)}`)
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`
    },
    async dropDatabase(name) {
      await administer(port, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)
    },
    kill: () => terminate('SIGKILL'),
    async stop() {
      // SIGINT is Postgres's fast shutdown: it ends open sessions instead of waiting for them.
      await terminate('SIGINT')
      // After kill() nothing removed the SysV segment; the next postmaster would have, but there is none.
      removeSharedMemory(dataDir)
      await rm(dir, { recursive: true, force: true })
    },
    async restart() {
      await terminate('SIGKILL')
      child = await spawnPostmaster(binaries, dataDir, dir, port, options, user)
    },
  }
}
