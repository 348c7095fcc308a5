/**
 * Runs the embedding example's "host app" (examples/embed/host.mjs) as a child process: it serves
 * the static example page and mints tokens for it, against a given Tandem server.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findFreePort } from '../../server/test/helpers/redisServer'
import { E2E_SECRET } from './tandemServer'

const HOST_SCRIPT = fileURLToPath(new URL('../../examples/embed/host.mjs', import.meta.url))
const STARTUP_TIMEOUT_MS = 15_000

export interface EmbedHost {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string
  stop(): Promise<void>
}

/**
 * Starts host.mjs on a free port, pointed at `tandemUrl`; resolves once it listens. `env` adds
 * host.mjs settings (e.g. `TOKEN_TTL`).
 */
export async function startEmbedHost(
  tandemUrl: string,
  env: Readonly<Record<string, string>> = {},
): Promise<EmbedHost> {
  const port = await findFreePort()
  const child = spawn(process.execPath, [HOST_SCRIPT], {
    env: { ...process.env, ...env, PORT: String(port), TANDEM_URL: tandemUrl, TANDEM_SECRET: E2E_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`host.mjs did not start:\n${output}`)),
        STARTUP_TIMEOUT_MS,
      )
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('embed example on')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
      void exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`host.mjs exited before listening:\n${output}`))
      })
    })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
