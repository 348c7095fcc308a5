/**
 * A real Tandem server for the suite: `server/src/main.ts` as a child process on a fixed port, so a
 * test can stop or SIGKILL it and start it again on the same data directory and port, and the pages
 * that were open reconnect on their own.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findFreePort } from '../../server/test/helpers/redisServer'
import { type SpawnedServer, spawnTandem } from '../../server/test/helpers/tandemProcess'
import { STATIC_DIR_ENV } from './globalSetup'

/** The token secret of every server the suite starts (tests mint tokens with it). */
export const E2E_SECRET = 'e2e-secret-that-is-at-least-32-bytes-long'

/**
 * Environment every e2e server gets. The API's per-address burst (default 60) is sized for people,
 * not for a suite where every browser context comes from 127.0.0.1.
 */
const E2E_ENV = { API_RATE_LIMIT_BURST: '10000', API_RATE_LIMIT_PER_SECOND: '1000' }

export interface TandemServerOptions {
  /** Data directory; default a fresh temp dir that `dispose()` removes. */
  readonly dataDir?: string
  /** Port; default a free one. Restarts reuse it. */
  readonly port?: number
  /** Extra environment (e.g. REDIS_URL). */
  readonly env?: Readonly<Record<string, string>>
}

export interface TandemServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string
  /** `ws://127.0.0.1:<port>/ws` */
  readonly wsUrl: string
  readonly port: number
  readonly dataDir: string
  /** Everything the current process logged. */
  output(): string
  /** Graceful shutdown (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL, as a crash. */
  kill(): Promise<void>
  /** Starts the server again on the same data directory and port (after `stop` or `kill`). */
  start(): Promise<void>
  /** Kills the process if it runs and removes a data directory this handle created. */
  dispose(): Promise<void>
}

/** Starts a server and waits until it listens. The caller must `dispose()` it. */
export async function startTandem(options: TandemServerOptions = {}): Promise<TandemServer> {
  const ownsDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tandem-e2e-'))
  const port = options.port ?? (await findFreePort())
  const staticDir = process.env[STATIC_DIR_ENV]
  const env = {
    ...E2E_ENV,
    ...(staticDir ? { STATIC_DIR: staticDir } : {}),
    ...options.env,
    DATA_DIR: dataDir,
    TANDEM_SECRET: E2E_SECRET,
    PORT: String(port),
  }
  let current: SpawnedServer | undefined
  const spawn = async () => {
    current = await spawnTandem(env)
  }
  try {
    await spawn()
  } catch (error) {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    dataDir,
    output: () => current?.output() ?? '',
    stop: async () => (current ? current.stop() : null),
    kill: async () => current?.kill(),
    start: spawn,
    async dispose() {
      await current?.kill()
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
