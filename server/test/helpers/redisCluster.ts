/** A real local Redis Cluster of three masters (no replicas) on free loopback ports, for tests. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { findFreePort, type RedisServer, startRedisServer } from './redisServer'

const run = promisify(execFile)
export const REDIS_CLI_BINARY = '/usr/bin/redis-cli'
const MASTER_COUNT = 3
const READY_DEADLINE_MS = 15_000
const POLL_INTERVAL_MS = 50
/** Short so a test that kills a master sees the cluster react within seconds. */
const NODE_TIMEOUT_MS = 2_000

export interface RedisClusterNode {
  readonly host: string
  readonly port: number
  readonly server: RedisServer
}

export interface RedisCluster {
  readonly nodes: readonly RedisClusterNode[]
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, the relay's cluster URL form. */
  readonly url: string
  /** Stops every node and removes their temp dirs. */
  stop(): Promise<void>
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI_BINARY, ['-h', '127.0.0.1', '-p', String(port), ...args])
  return stdout
}

/** Polls CLUSTER INFO on every node until all report every slot served. */
async function waitForClusterOk(ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS
  let last = ''
  while (Date.now() < deadline) {
    const infos = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info').catch(String)))
    const ok = infos.every(
      (info) =>
        info.includes('cluster_state:ok') &&
        info.includes('cluster_slots_ok:16384') &&
        info.includes(`cluster_known_nodes:${ports.length}`),
    )
    if (ok) return
    last = infos.join('\n')
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
  throw new Error(`Redis Cluster not ok within ${READY_DEADLINE_MS} ms; last CLUSTER INFO:\n${last}`)
}

/** Starts three cluster-mode servers, joins them with `redis-cli --cluster create` and waits for `cluster_state:ok`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = []
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()))
  }
  try {
    for (let i = 0; i < MASTER_COUNT; i++) {
      // The bus port defaults to port + 10000, which may be taken or above 65535; pick it too.
      const busPort = await findFreePort()
      servers.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(NODE_TIMEOUT_MS),
            '--cluster-port',
            String(busPort),
          ],
        }),
      )
    }
    const ports = servers.map((server) => server.port)
    await run(REDIS_CLI_BINARY, [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    await waitForClusterOk(ports)
    return {
      nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port, server })),
      url: `redis-cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
