/** One long-running child process of the local cluster (redis-server, a node, nginx), with its output. */
import { type ChildProcess, spawn } from 'node:child_process'

/** Output lines kept for error messages. */
const RECENT_LINES = 60
/** How long `stop` waits after its signal before it sends SIGKILL. */
export const STOP_DEADLINE_MS = 15_000

export interface ServiceOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** Receives every line the process writes to stdout or stderr. */
  readonly onLine?: (line: string) => void
  /** Own process group (default true); false lets a terminal's Ctrl-C reach the child too. */
  readonly detached?: boolean
}

export interface Service {
  readonly name: string
  readonly child: ChildProcess
  /** Resolves once the process is gone, with its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>
  /** True until the process has exited. */
  isRunning(): boolean
  /** The last lines of output, for error messages. */
  recentOutput(): string
  /** Sends `signal` (default SIGTERM), SIGKILL after `deadlineMs`; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, deadlineMs?: number): Promise<number | null>
  /** SIGKILL without waiting, for a process `exit` handler. */
  killNow(): void
}

/** Calls `onLine` once per complete line of a stream; a trailing partial line is flushed at the end. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return
  let pending = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
  stream.on('end', () => {
    if (pending !== '') onLine(pending)
  })
}

/**
 * Starts `command`. By default the child gets its own process group, so a Ctrl-C in the terminal
 * reaches only the cluster script, which then stops every child in order (nodes before Redis).
 */
export function spawnService(
  name: string,
  command: string,
  args: readonly string[],
  options: ServiceOptions = {},
): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? true,
  })
  const recent: string[] = []
  const onLine = (line: string) => {
    recent.push(line)
    if (recent.length > RECENT_LINES) recent.shift()
    options.onLine?.(line)
  }
  forwardLines(child.stdout, onLine)
  forwardLines(child.stderr, onLine)
  let running = true
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      // spawn failures (ENOENT) emit 'error' and never 'exit'.
      onLine(`${name}: ${error.message}`)
      running = false
      resolve(null)
    })
    child.once('exit', (code) => {
      running = false
      resolve(code)
    })
  })

  return {
    name,
    child,
    exited,
    isRunning: () => running,
    recentOutput: () => recent.join('\n'),
    async stop(signal = 'SIGTERM', deadlineMs = STOP_DEADLINE_MS) {
      if (!running) return exited
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs)
      const code = await exited
      clearTimeout(timer)
      return code
    },
    killNow() {
      if (running) child.kill('SIGKILL')
    },
  }
}
