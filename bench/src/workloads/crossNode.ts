/**
 * Workload 8, second half: two Tandem nodes on one database and one Redis. A writer on node A types;
 * observers on A (same node) and on B (through Redis) time each update. Reported as not run when
 * the node does not wire REDIS_URL into a relay yet.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedisServer } from '../../../server/test/helpers/redisServer'
import type { BenchContext } from '../BenchContext'
import { contender, REPO_ROOT } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
import { closeClients, connectClients } from '../load/connectClients'
import { DeliveryLog } from '../load/DeliveryLog'
import { LoadSession } from '../load/LoadSession'
import { Pacer } from '../load/Pacer'
import { measureWindow, waitForQuiet } from '../measure/measureWindow'
import { num, pct, sig, table } from '../report/markdown'

export interface PathLatency {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly deliveredPerSecond: number
}

export type CrossNodeResult =
  | {
      readonly ran: true
      readonly updatesPerSecond: number
      readonly sameNode: PathLatency
      readonly crossNode: PathLatency
      /** Both nodes' CPU together, as a share of one core. */
      readonly serverCpu: number
    }
  | { readonly ran: false; readonly reason: string }

const UPDATES_PER_WRITER_PER_SECOND = 5
const WIRING_PROBE_MS = 5000
const NODE_B_FIRST_CLIENT_ID = 1_000_000

/** Why cross-node cannot run here, or null when the node builds a relay from REDIS_URL. */
function relayMissing(): string | null {
  const createNode = readFileSync(path.join(REPO_ROOT, 'server/src/createNode.ts'), 'utf8')
  if (!/createRelay|RedisRelay/.test(createNode)) {
    return 'not run: REDIS_URL is not wired into the node yet (server/src/createNode.ts creates no relay)'
  }
  return null
}

/** True once an update typed on node A reached an observer on node B. */
async function updatesCrossNodes(writer: BenchClient, remoteLog: DeliveryLog): Promise<boolean> {
  const before = remoteLog.totalDelivered
  writer.type()
  const deadline = performance.now() + WIRING_PROBE_MS
  while (performance.now() < deadline) {
    if (remoteLog.totalDelivered > before) return true
    await sleep(20)
  }
  return false
}

function pathLatency(
  summary: { p50Ms: number; p99Ms: number; delivered: number },
  wallMs: number,
): PathLatency {
  return {
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    deliveredPerSecond: (summary.delivered / wallMs) * 1000,
  }
}

export async function runCrossNode(ctx: BenchContext): Promise<CrossNodeResult> {
  if (!ctx.options.contenders.includes('tandem-sqlite'))
    return { ran: false, reason: 'not run: Tandem not selected' }
  const missing = relayMissing()
  if (missing) return { ran: false, reason: missing }
  const { rooms, observersPerNode, warmupMs, measureMs } = ctx.options.crossNode
  const redis = await startRedisServer()
  const servers: ServerProcess[] = []
  try {
    const dataDir = ctx.newDataDir()
    const tandem = contender('tandem-sqlite')
    servers.push(await ctx.startServer(tandem, { dataDir, redisUrl: redis.url }))
    servers.push(await ctx.startServer(tandem, { dataDir, redisUrl: redis.url }))
    const [nodeA, nodeB] = servers as [ServerProcess, ServerProcess]
    const sessionA = new LoadSession(tandem, nodeA.port, ctx.token)
    const remoteLog = new DeliveryLog(sessionA.log.sendTimes)
    const sessionB = new LoadSession(tandem, nodeB.port, ctx.token, {
      log: remoteLog,
      firstClientId: NODE_B_FIRST_CLIENT_ID,
    })
    const writers: BenchClient[] = []
    const observers: BenchClient[] = []
    for (let room = 0; room < rooms; room++) {
      const name = `cross-${room}`
      writers.push(sessionA.client(name, 'doc'))
      for (let i = 0; i < observersPerNode; i++) {
        observers.push(sessionA.client(name, 'doc'), sessionB.client(name, 'doc'))
      }
    }
    const all = [...writers, ...observers]
    const connected = await connectClients(all, { concurrency: 50, deadlineMs: 60_000 })
    if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
    if (!(await updatesCrossNodes(writers[0]!, remoteLog))) {
      await closeClients(all)
      return {
        ran: false,
        reason: 'not run: with REDIS_URL set, an update typed on one node never reached the other',
      }
    }
    const updatesPerSecond = writers.length * UPDATES_PER_WRITER_PER_SECOND
    const pacer = new Pacer(updatesPerSecond, writers.length, (i) => writers[i]!.type())
    pacer.start()
    await sleep(warmupMs)
    remoteLog.start()
    const window = await measureWindow(servers, sessionA.log, measureMs, ctx.interference)
    const remote = remoteLog.stop()
    pacer.stop()
    await waitForQuiet(remoteLog, 100, 5000)
    await closeClients(all)
    ctx.progress(
      `8 cross-node: same node p99 ${sig(window.latency.p99Ms)} ms, cross node p99 ${sig(remote.p99Ms)} ms`,
    )
    return {
      ran: true,
      updatesPerSecond,
      sameNode: pathLatency(window.latency, window.wallMs),
      crossNode: pathLatency(remote, window.wallMs),
      serverCpu: window.serverCpuMs / window.wallMs,
    }
  } finally {
    for (const server of servers) await server.stop()
    await redis.stop()
  }
}

export function renderCrossNode(result: CrossNodeResult): string {
  if (!result.ran) return result.reason
  const row = (name: string, figures: PathLatency) => [
    name,
    sig(figures.p50Ms),
    sig(figures.p99Ms),
    num(figures.deliveredPerSecond),
  ]
  return [
    `Two Tandem nodes (SQLite, one database file) and one redis-server; writers on node A type ` +
      `${num(result.updatesPerSecond)} updates/s in total; observers on both nodes apply every update. ` +
      `Both nodes together used ${pct(result.serverCpu)} of a core.`,
    '',
    table(
      ['path', 'p50 ms', 'p99 ms', 'delivered/s'],
      [row('same node (A -> A)', result.sameNode), row('cross node (A -> Redis -> B)', result.crossNode)],
    ),
  ].join('\n')
}
