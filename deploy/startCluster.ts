/**
 * The docker compose topology as local processes: one redis-server, N Tandem nodes sharing one data
 * directory and secret, and nginx with deploy/nginx.conf rendered for local ports.
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveSecret } from '../server/src/auth/secretFile'
import { readLocalNginxConfig } from './nginxConfig'
import { type Service, spawnService } from './spawnService'

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server'
export const NGINX_BINARY = '/usr/sbin/nginx'
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const NODE_MAIN = path.join(REPO_ROOT, 'server/src/main.ts')
/** Where `npm run cluster` keeps its documents and secret unless told otherwise. */
export const DEFAULT_CLUSTER_DATA_DIR = path.join(REPO_ROOT, 'data/cluster')
export const DEFAULT_NODE_COUNT = 2
/** nginx's access log, in the data directory (one line per request, with the node that served it). */
export const NGINX_ACCESS_LOG = 'nginx-access.log'
/** tsx compiles the server on first start; a busy machine needs a while. */
const NODE_START_DEADLINE_MS = 60_000
const NGINX_START_DEADLINE_MS = 15_000
const POLL_INTERVAL_MS = 100
const PROBE_TIMEOUT_MS = 2_000

export interface ClusterOptions {
  /** The balancer's port; 0 = a free one. Default 0. */
  readonly port?: number
  /** One port per node; default free ports. Its length, when given, is the node count. */
  readonly nodePorts?: readonly number[]
  /** Number of nodes when `nodePorts` is not given; default 2. */
  readonly nodeCount?: number
  /** Data directory every node shares (one SQLite file); default `data/cluster` in the repository. */
  readonly dataDir?: string
  /** Build the web app first (`npm run build -w @tandem/client`); default false. */
  readonly build?: boolean
  /** Environment for every node on top of the cluster's own settings; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv
  /** Receives every output line of every process, with the name of the process it came from. */
  readonly onOutput?: (source: string, line: string) => void
}

export interface ClusterNode {
  /** `NODE_ID`: `tandem-1`, `tandem-2`, ... */
  readonly id: string
  readonly port: number
  /** `http://127.0.0.1:<port>`, the node itself (for `/metrics`), bypassing the balancer. */
  readonly url: string
  isRunning(): boolean
  /** Everything recent the node logged. */
  recentOutput(): string
}

export interface Cluster {
  /** `http://127.0.0.1:<port>`: the balancer, where people open the app. */
  readonly url: string
  readonly port: number
  readonly nodes: readonly ClusterNode[]
  readonly redisUrl: string
  readonly dataDir: string
  /** nginx's access log. */
  readonly accessLogFile: string
  /** The TANDEM_SECRET every node shares (kept in `dataDir`). */
  readonly secret: string
  /** Stops nginx, then every node (SIGTERM: graceful), then Redis, and removes the temp dir. */
  stop(): Promise<void>
  /** Stops one node with `signal` (default SIGTERM); resolves with its exit code. */
  stopNode(index: number, signal?: NodeJS.Signals): Promise<number | null>
}

export class ClusterError extends Error {
  override name = 'ClusterError'
}

/** Fails with the install command when a binary the cluster needs is missing. */
export function assertBinaries(): void {
  const missing = [
    [REDIS_SERVER_BINARY, 'redis-server'],
    [NGINX_BINARY, 'nginx'],
  ].filter(([binary]) => !existsSync(binary!))
  if (missing.length > 0) {
    throw new ClusterError(
      `${missing.map(([binary]) => binary).join(' and ')} not found; install with: ` +
        `apt-get update && apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')}`,
    )
  }
}

/** Asks the OS for a port that is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function isOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    await res.body?.cancel()
    return res.ok
  } catch {
    return false
  }
}

/** Polls `url` until it answers 2xx; fails early, with its output, when one of `services` exits. */
async function waitForOk(url: string, services: readonly Service[], deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    const gone = services.find((service) => !service.isRunning())
    if (gone) throw new ClusterError(`${gone.name} exited during start-up:\n${gone.recentOutput()}`)
    if (await isOk(url)) return
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
  const [service] = services
  throw new ClusterError(`${url} not ready within ${deadlineMs} ms:\n${service?.recentOutput() ?? ''}`)
}

async function buildClient(onLine: (line: string) => void): Promise<void> {
  const build = spawnService('build', 'npm', ['run', 'build', '-w', '@tandem/client'], {
    cwd: REPO_ROOT,
    onLine,
    detached: false,
  })
  const code = await build.exited
  if (code !== 0)
    throw new ClusterError(`building the client failed (exit ${code}):\n${build.recentOutput()}`)
}

/** Starts the cluster and resolves once nginx answers through to a node. The caller must `stop()` it. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  assertBinaries()
  const output = options.onOutput ?? (() => {})
  const sink = (source: string) => (line: string) => output(source, line)
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_CLUSTER_DATA_DIR)
  const nodeCount = options.nodePorts?.length ?? options.nodeCount ?? DEFAULT_NODE_COUNT
  if (nodeCount < 1) throw new ClusterError('a cluster needs at least one node')

  if (options.build) await buildClient(sink('build'))
  await mkdir(dataDir, { recursive: true })
  const { secret } = await resolveSecret({ secret: undefined, dataDir })
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cluster-'))
  // nginx workers run as `nobody` when started as root; they need to reach their temp paths here.
  await chmod(tempDir, 0o755)

  let redis: Service | undefined
  const nodes: Service[] = []
  let nginx: Service | undefined
  const killAll = () => {
    for (const service of [nginx, ...nodes, redis]) service?.killNow()
  }
  // A crash of this process must not leave detached children behind.
  process.on('exit', killAll)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    // Front to back: no new requests, then nodes flush and leave the relay, then Redis goes.
    await nginx?.stop()
    await Promise.all(nodes.map((node) => node.stop()))
    await redis?.stop()
    process.off('exit', killAll)
    await rm(tempDir, { recursive: true, force: true })
  }

  try {
    const redisPort = await freePort()
    const redisDir = path.join(tempDir, 'redis')
    await mkdir(redisDir)
    // The relay is pub/sub only: Redis holds no state worth saving.
    const redisArgs = ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    const redisService = spawnService(
      'redis',
      REDIS_SERVER_BINARY,
      [...redisArgs, '--dir', redisDir, '--daemonize', 'no', '--loglevel', 'warning'],
      { onLine: sink('redis') },
    )
    redis = redisService
    const redisUrl = `redis://127.0.0.1:${redisPort}`

    const nodePorts = options.nodePorts ?? (await Promise.all(Array.from({ length: nodeCount }, freePort)))
    for (const [index, port] of nodePorts.entries()) {
      const id = `tandem-${index + 1}`
      const node = spawnService(id, process.execPath, ['--import', 'tsx', NODE_MAIN], {
        cwd: REPO_ROOT,
        env: {
          ...(options.env ?? process.env),
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          REDIS_URL: redisUrl,
          TANDEM_SECRET: secret,
          NODE_ID: id,
          TRUST_PROXY: 'true',
        },
        onLine: sink(id),
      })
      nodes.push(node)
    }
    // /readyz is 200 only once the node's store is open and its relay is connected to Redis.
    await Promise.all(
      nodes.map((node, i) =>
        waitForOk(`http://127.0.0.1:${nodePorts[i]}/readyz`, [node, redisService], NODE_START_DEADLINE_MS),
      ),
    )

    const port = options.port || (await freePort())
    const configFile = path.join(tempDir, 'nginx.conf')
    const accessLogFile = path.join(dataDir, NGINX_ACCESS_LOG)
    await writeFile(
      configFile,
      await readLocalNginxConfig({ listenPort: port, nodePorts, tempDir, accessLogFile }),
    )
    const globals = `daemon off; pid ${path.join(tempDir, 'nginx.pid')};`
    const nginxService = spawnService(
      'nginx',
      NGINX_BINARY,
      ['-p', tempDir, '-c', configFile, '-e', 'stderr', '-g', globals],
      { onLine: sink('nginx') },
    )
    nginx = nginxService
    const url = `http://127.0.0.1:${port}`
    await waitForOk(`${url}/healthz`, [nginxService], NGINX_START_DEADLINE_MS)

    return {
      url,
      port,
      redisUrl,
      dataDir,
      accessLogFile,
      secret,
      nodes: nodes.map((node, i) => ({
        id: node.name,
        port: nodePorts[i]!,
        url: `http://127.0.0.1:${nodePorts[i]}`,
        isRunning: () => node.isRunning(),
        recentOutput: () => node.recentOutput(),
      })),
      stop,
      stopNode: async (index, signal = 'SIGTERM') => {
        const node = nodes[index]
        if (!node) throw new ClusterError(`no node ${index} (the cluster has ${nodes.length})`)
        return node.stop(signal)
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}
