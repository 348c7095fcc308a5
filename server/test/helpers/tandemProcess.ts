/**
 * Runs `tandem-server` (server/src/main.ts) as a child process, so tests can SIGKILL it, restart it
 * on the same data directory, or run two of them on one database file. Used by vitest and Playwright.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX_LOADER = 'tsx'
const STARTUP_TIMEOUT_MS = 20_000

export interface SpawnedServer {
  readonly port: number
  readonly process: ChildProcess
  /** Everything the process logged (stdout and stderr). */
  readonly output: () => string
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>
}

/**
 * Starts a server with the given environment (PORT defaults to 0) and waits until it listens;
 * `script` runs a compiled build (its main.js) instead of the sources.
 */
export async function spawnTandem(env: Record<string, string>, script?: string): Promise<SpawnedServer> {
  const args = script === undefined ? ['--import', TSX_LOADER, MAIN] : [script]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: REPO_ROOT,
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), STARTUP_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"port":(\d+)[^\n]*"msg":"listening/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${output}`))
    })
  })
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  return {
    port,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    },
    kill,
  }
}
