/** `npm run cluster`: the docker compose topology as local processes, until Ctrl-C. */
import { parseArgs } from 'node:util'
import { type Cluster, DEFAULT_CLUSTER_DATA_DIR, DEFAULT_NODE_COUNT, startCluster } from './startCluster'

/** nginx's port when neither --port nor CLUSTER_PORT says otherwise; the compose file publishes the same. */
const DEFAULT_PORT = 8080
/** Longest process name (`tandem-10`), so log prefixes line up. */
const SOURCE_WIDTH = 9

const USAGE = `Usage: npm run cluster -- [options]

Starts redis-server, ${DEFAULT_NODE_COUNT} Tandem nodes sharing one data directory, and nginx with
deploy/nginx.conf rendered for local ports. Ctrl-C stops all of it.

  --port N            nginx port (env CLUSTER_PORT; default ${DEFAULT_PORT}; 0 = a free port)
  --nodes N           number of nodes (env CLUSTER_NODES; default ${DEFAULT_NODE_COUNT})
  --node-ports A,B    node ports (env CLUSTER_NODE_PORTS; default free ports; sets the node count)
  --data-dir DIR      shared data directory (env CLUSTER_DATA_DIR; default data/cluster)
  --no-build          do not build the web app first

Every other server setting (LOG_LEVEL, HEARTBEAT_INTERVAL_MS, ...) is read from the environment.`

function parseWholeNumber(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`${name}: expected a whole number, got ${JSON.stringify(raw)}`)
  return Number(raw)
}

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      nodes: { type: 'string' },
      'node-ports': { type: 'string' },
      'data-dir': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  const port = values.port ?? env.CLUSTER_PORT
  const nodes = values.nodes ?? env.CLUSTER_NODES
  const nodePorts = values['node-ports'] ?? env.CLUSTER_NODE_PORTS
  return {
    help: values.help,
    port: port === undefined ? DEFAULT_PORT : parseWholeNumber('--port', port),
    ...(nodes === undefined ? {} : { nodeCount: parseWholeNumber('--nodes', nodes) }),
    ...(nodePorts === undefined
      ? {}
      : { nodePorts: nodePorts.split(',').map((part) => parseWholeNumber('--node-ports', part.trim())) }),
    dataDir: values['data-dir'] ?? env.CLUSTER_DATA_DIR ?? DEFAULT_CLUSTER_DATA_DIR,
    build: !values['no-build'],
  }
}

async function main(): Promise<void> {
  let options: ReturnType<typeof readOptions>
  try {
    options = readOptions(process.argv.slice(2), process.env)
  } catch (error) {
    process.stderr.write(`cluster: ${(error as Error).message}\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let cluster: Cluster | undefined
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping || cluster === undefined) {
      // Still starting, or a second Ctrl-C: the exit handler startCluster registered SIGKILLs every child.
      process.stdout.write(`cluster: ${signal}, killing everything now\n`)
      process.exit(1)
    }
    stopping = true
    process.stdout.write(`\ncluster: ${signal}, stopping nginx, the nodes, then Redis\n`)
    cluster.stop().then(
      () => {
        process.stdout.write('cluster: stopped\n')
        process.exit(0)
      },
      (error: unknown) => {
        process.stderr.write(`cluster: stopping failed: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  // Before anything starts: the default action would end this process without stopping its children.
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  cluster = await startCluster({
    ...options,
    env: process.env,
    onOutput: (source, line) => process.stdout.write(`${source.padEnd(SOURCE_WIDTH)} | ${line}\n`),
  })
  const nodes = cluster.nodes.map((node) => `${node.id} ${node.url}`).join(', ')
  process.stdout.write(
    `\nTandem cluster ready: ${cluster.url.replace('127.0.0.1', 'localhost')}\n` +
      `  nodes: ${nodes}\n  redis: ${cluster.redisUrl}\n  data:  ${cluster.dataDir}\n` +
      `  nginx access log: ${cluster.accessLogFile}\n` +
      'Ctrl-C stops it.\n\n',
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
