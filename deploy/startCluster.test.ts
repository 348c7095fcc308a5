/** The native cluster over HTTP: nginx round robin across real nodes, failover, and a clean stop. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET_FILE_NAME } from '../server/src/auth/secretFile'
import { type Cluster, startCluster } from './startCluster'

const REQUESTS = 6

describe('startCluster', () => {
  let dataDir: string
  let cluster: Cluster | undefined

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cluster-test-'))
    cluster = await startCluster({ dataDir, env: { ...process.env, LOG_LEVEL: 'warn' } })
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  /** Upstreams that served `GET /readyz` (start-up probes use /healthz), as nginx logged them. */
  const readyzUpstreams = async () => {
    const log = await readFile(cluster!.accessLogFile, 'utf8')
    return [...log.matchAll(/"GET \/readyz" 200 upstream=(\S+)/g)].map((match) => match[1])
  }

  it('keeps one shared secret in the data directory', async () => {
    expect((await readFile(path.join(dataDir, SECRET_FILE_NAME), 'utf8')).trim()).toBe(cluster!.secret)
  })

  it('sends requests to every node in turn', async () => {
    for (let i = 0; i < REQUESTS; i++) expect((await fetch(`${cluster!.url}/readyz`)).status).toBe(200)
    // nginx writes a log line after it has answered.
    await expect.poll(async () => (await readyzUpstreams()).length).toBe(REQUESTS)
    const served = await readyzUpstreams()
    const nodeAddresses = cluster!.nodes.map((node) => `127.0.0.1:${node.port}`)
    // An even share each: one round robin for all nginx workers (the upstream's shared zone). Log
    // lines from two workers may swap places, so count rather than compare the order.
    const share = nodeAddresses.map((address) => served.filter((upstream) => upstream === address).length)
    expect(share).toEqual(nodeAddresses.map(() => REQUESTS / nodeAddresses.length))
  })

  it('keeps answering through the other node after one stops gracefully', async () => {
    expect(await cluster!.stopNode(0)).toBe(0)
    expect(cluster!.nodes[0]!.isRunning()).toBe(false)
    for (let i = 0; i < REQUESTS; i++) expect((await fetch(`${cluster!.url}/healthz`)).status).toBe(200)
    const created = await fetch(`${cluster!.url}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(created.status).toBe(201)
  })

  it('stops every process', async () => {
    const running = cluster!
    await running.stop()
    cluster = undefined
    expect(running.nodes.map((node) => node.isRunning())).toEqual([false, false])
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow()
  })
})
