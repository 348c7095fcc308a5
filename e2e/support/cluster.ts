/**
 * The native cluster of `npm run cluster` (redis-server, two nodes, nginx) as a Playwright fixture,
 * and which node holds how many WebSockets, read from each node's own /metrics.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Cluster, type ClusterNode, startCluster } from '../../deploy/startCluster'
import { test as base } from './fixtures'

/** Output lines kept for the report of a failed test. */
const OUTPUT_LINES = 2000
/** Two nodes compile the server with tsx on first start; the machine may be busy. */
const CLUSTER_START_TIMEOUT_MS = 90_000

/**
 * Open document WebSockets on `node` (`tandem_connections` less `tandem_comment_connections`: each
 * page also opens a comments socket, which nginx may place on either node); 0 for a stopped node.
 */
export async function connectionsOf(node: ClusterNode): Promise<number> {
  if (!node.isRunning()) return 0
  const res = await fetch(`${node.url}/metrics`)
  const text = await res.text()
  const gauge = (name: string) => {
    const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)
    if (match === null) throw new Error(`no ${name} gauge in ${node.url}/metrics`)
    return Number(match[1])
  }
  return gauge('tandem_connections') - gauge('tandem_comment_connections')
}

/** `tandem_connections` of every node, in node order. */
export function connectionCounts(cluster: Cluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(connectionsOf))
}

export const test = base.extend<{ cluster: Cluster }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies this way.
  cluster: async ({}, use, testInfo) => {
    testInfo.setTimeout(testInfo.timeout + CLUSTER_START_TIMEOUT_MS)
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-e2e-cluster-'))
    const output: string[] = []
    const cluster = await startCluster({
      dataDir,
      env: { ...process.env, LOG_LEVEL: 'info' },
      onOutput: (source, line) => {
        output.push(`${source} | ${line}`)
        if (output.length > OUTPUT_LINES) output.shift()
      },
    })
    try {
      await use(cluster)
    } finally {
      await cluster.stop()
      await rm(dataDir, { recursive: true, force: true })
      if (testInfo.status !== testInfo.expectedStatus) {
        const file = testInfo.outputPath('cluster-output.log')
        await writeFile(file, output.join('\n'))
        await testInfo.attach('cluster-output', { path: file, contentType: 'text/plain' })
      }
    }
  },
})

export { expect } from '@playwright/test'
