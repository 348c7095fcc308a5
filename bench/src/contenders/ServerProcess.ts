/**
 * One contender running as its own process on loopback, pinned to the server core when `taskset`
 * exists. Ready once its port accepts TCP connections; measured through /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import { ProcessStats } from '../measure/processStats'
import { type Contender, type LaunchOptions, REPO_ROOT } from './contenders'

const START_DEADLINE_MS = 30_000
const STOP_DEADLINE_MS = 15_000
const READY_POLL_MS = 20

export interface StartOptions extends LaunchOptions {
  /** CPU list for `taskset -c` (e.g. "0"); undefined runs unpinned. */
  readonly cpus: string | undefined
  /** Write a V8 CPU profile (.cpuprofile) into this directory when the process exits. */
  readonly cpuProfileDir?: string
}

/** Asks the OS for a loopback port that is free right now. */
export function findFreePort(): Promise<number> {
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

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Every contender process started here and still running, for killAllServers. */
const live = new Set<ServerProcess>()

/**
 * SIGKILLs every contender still running. For a harness cut short (a test timeout, an exception that
 * skipped a stop): without it the servers outlive the run and load the machine for hours.
 */
export function killAllServers(): void {
  for (const server of live) server.killNow()
}

export class ServerProcess {
  readonly stats: ProcessStats
  private output = ''
  private readonly exited: Promise<void>

  private constructor(
    readonly contender: Contender,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    this.stats = new ProcessStats(child.pid!)
    child.stdout?.on('data', (chunk: Buffer) => this.appendOutput(chunk))
    child.stderr?.on('data', (chunk: Buffer) => this.appendOutput(chunk))
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    live.add(this)
    void this.exited.then(() => live.delete(this))
  }

  /** Starts the contender and waits until it accepts connections. */
  static async start(contender: Contender, options: StartOptions): Promise<ServerProcess> {
    // Profiles run the build, as production does: a TypeScript loader would be most of the profile.
    const spec = contender.launch(options)
    const profiling = options.cpuProfileDir
      ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir, '--cpu-prof-interval', '250']
      : []
    const nodeCommand = [process.execPath, ...profiling, ...spec.nodeArgs, spec.script]
    // taskset execs node in place, so the child's pid is the server's pid.
    const [command, ...args] = options.cpus ? ['taskset', '-c', options.cpus, ...nodeCommand] : nodeCommand
    const child = spawn(command!, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const server = new ServerProcess(contender, options.port, child)
    const deadline = Date.now() + START_DEADLINE_MS
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${contender.label} exited during start-up:\n${server.output}`)
      }
      if (await acceptsConnections(options.port)) return server
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
    }
    await server.kill()
    throw new Error(
      `${contender.label} did not listen on ${options.port} within ${START_DEADLINE_MS} ms:\n${server.output}`,
    )
  }

  get pid(): number {
    return this.child.pid!
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** What the process printed (the last 64 KiB). */
  get log(): string {
    return this.output
  }

  /** Graceful stop (SIGTERM), SIGKILL after a deadline. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_DEADLINE_MS)
    await this.exited
    clearTimeout(timer)
  }

  /** SIGKILL without waiting: for a harness that is itself exiting. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL')
  }

  /** SIGKILL, as a crash. */
  async kill(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGKILL')
    await this.exited
  }

  private appendOutput(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-65_536)
  }
}
