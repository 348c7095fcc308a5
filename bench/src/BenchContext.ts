/**
 * What every workload needs from the run: options, a token, a scratch directory, the core layout
 * (servers on core 0, this load-generating process on core 1) and a way to start contenders.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ANY_ROOM, createToken } from '@tandem/shared'
import type { BenchOptions } from './benchOptions'
import type { Contender } from './contenders/contenders'
import { findFreePort, killAllServers, ServerProcess, type StartOptions } from './contenders/ServerProcess'
import { InterferenceLog } from './measure/InterferenceLog'

const TOKEN_TTL_SECONDS = 6 * 3600
const SERVER_CPUS = '0'
const LOAD_CPUS = '1'

export interface CoreLayout {
  /** `taskset -c` list for servers, or undefined when not pinning. */
  readonly serverCpus: string | undefined
  readonly loadCpus: string | undefined
  readonly note: string
}

export class BenchContext {
  private dataDirs = 0
  /** Servers kept running across workloads when `options.smoke` (start-up would dominate a smoke run). */
  private readonly shared = new Map<Contender['id'], ServerProcess>()
  /** No server (nor its data) outlives the harness if it is interrupted. */
  private readonly killStarted = () => {
    killAllServers()
    rmSync(this.tmpDir, { recursive: true, force: true })
  }
  /** Other processes' use of our pinned cores, window by window. */
  readonly interference: InterferenceLog

  private constructor(
    readonly options: BenchOptions,
    readonly cores: CoreLayout,
    readonly secret: string,
    readonly token: string,
    readonly tmpDir: string,
    private readonly quiet: boolean,
  ) {
    const core = (cpus: string | undefined) => (cpus === undefined ? undefined : Number(cpus))
    this.interference = new InterferenceLog(core(cores.serverCpus), core(cores.loadCpus))
    process.once('exit', this.killStarted)
  }

  /** Pins this process to the load core (unless `pin` is false) and mints the connection token. */
  static async create(
    options: BenchOptions,
    { pin, quiet }: { pin: boolean; quiet: boolean },
  ): Promise<BenchContext> {
    const cores = pin
      ? pinLoadGenerator()
      : { serverCpus: undefined, loadCpus: undefined, note: 'not pinned' }
    const secret = randomBytes(32).toString('hex')
    const token = await createToken({
      secret,
      sub: 'bench',
      room: ANY_ROOM,
      role: 'editor',
      ttlSeconds: TOKEN_TTL_SECONDS,
    })
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'))
    return new BenchContext(options, cores, secret, token, tmpDir, quiet)
  }

  /** A fresh, empty data directory. */
  newDataDir(): string {
    const dir = path.join(this.tmpDir, `data-${++this.dataDirs}`)
    return dir
  }

  /** Starts a contender on a free port (or the given one) with a fresh data directory by default. */
  async startServer(contender: Contender, overrides: Partial<StartOptions> = {}): Promise<ServerProcess> {
    const server = await ServerProcess.start(contender, {
      port: overrides.port ?? (await findFreePort()),
      dataDir: overrides.dataDir ?? this.newDataDir(),
      secret: this.secret,
      cpus: this.cores.serverCpus,
      ...(this.options.cpuProfileDir
        ? { cpuProfileDir: mkdtempSync(path.join(this.options.cpuProfileDir, `${contender.id}-`)) }
        : {}),
      ...overrides,
    })
    return server
  }

  /** A running server for a workload: a fresh one, or in a smoke run the contender's shared one. */
  async acquireServer(contender: Contender): Promise<ServerProcess> {
    if (!this.options.smoke) return this.startServer(contender)
    const running = this.shared.get(contender.id)
    if (running?.running) return running
    const server = await this.startServer(contender)
    this.shared.set(contender.id, server)
    return server
  }

  /** Hands back a server from `acquireServer`: stopped, unless shared. */
  async releaseServer(server: ServerProcess): Promise<void> {
    if (this.shared.get(server.contender.id) !== server) await server.stop()
  }

  progress(message: string): void {
    if (!this.quiet) console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`)
  }

  /** Stops shared servers and removes the scratch directory. */
  async dispose(): Promise<void> {
    for (const server of this.shared.values()) await server.stop()
    this.shared.clear()
    this.killStarted()
    process.off('exit', this.killStarted)
  }
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Moves every thread of this process to the load core; servers started later go to the server core. */
function pinLoadGenerator(): CoreLayout {
  if (os.availableParallelism() < 2) {
    return {
      serverCpus: undefined,
      loadCpus: undefined,
      note: 'one core: server and load generator share it',
    }
  }
  if (!hasTaskset()) {
    return { serverCpus: undefined, loadCpus: undefined, note: 'taskset not found: processes not pinned' }
  }
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPUS, String(process.pid)], { stdio: 'ignore' })
  return {
    serverCpus: SERVER_CPUS,
    loadCpus: LOAD_CPUS,
    note: `server pinned to core ${SERVER_CPUS}, load generator to core ${LOAD_CPUS} (taskset)`,
  }
}
