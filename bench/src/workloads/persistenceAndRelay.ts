/**
 * Workload 8: what durability costs (closed-loop update throughput with SQLite on and off, next to the
 * anchors, which store nothing), and cross-node against same-node latency through Redis.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { measureWindow, waitForQuiet } from '../measure/measureWindow'
import {
  type ByContender,
  contendersWith,
  num,
  pct,
  RATIO_NOTE,
  ratioCell,
  sig,
  table,
} from '../report/markdown'
import { type CrossNodeResult, renderCrossNode, runCrossNode } from './crossNode'

export interface IngestFigures {
  readonly updatesPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly serverCpu: number
  readonly loadCpu: number
}

export interface PersistenceResult {
  readonly rooms: number
  readonly window: number
  readonly figures: ByContender<IngestFigures>
  readonly crossNode: CrossNodeResult
  /** Markdown printed by bench/persistence.ts, when it was run. */
  readonly storeDetail: string | null
}

/**
 * Each room has one writer and one observer; a writer keeps `window` updates in flight (sent, not
 * yet seen by its observer) and sends the next one as each arrives, so throughput is what the server
 * (and, for Tandem, its store) can turn around.
 */
async function runIngest(ctx: BenchContext, server: ServerProcess): Promise<IngestFigures> {
  const { rooms, window, warmupMs, measureMs } = ctx.options.persistence
  const session = new LoadSession(server.contender, server.port, ctx.token)
  const writers = new Map<number, BenchClient>()
  const observers: BenchClient[] = []
  for (let room = 0; room < rooms; room++) {
    const writer = session.client(`ingest-${room}`, 'meta')
    writers.set(writer.clientId, writer)
    observers.push(session.client(`ingest-${room}`, 'meta'))
  }
  const connected = await connectClients([...writers.values(), ...observers], {
    concurrency: 50,
    deadlineMs: 60_000,
  })
  if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
  let running = true
  session.log.onDelivered = (client, count) => {
    const writer = writers.get(client)
    if (running && writer) for (let i = 0; i < count; i++) writer.type()
  }
  for (const writer of writers.values()) for (let i = 0; i < window; i++) writer.type()
  await sleep(warmupMs)
  const measured = await measureWindow([server], session.log, measureMs, ctx.interference)
  running = false
  await waitForQuiet(session.log, 100, 5000)
  await closeClients([...writers.values(), ...observers])
  return {
    updatesPerSecond: (measured.latency.delivered / measured.wallMs) * 1000,
    p50Ms: measured.latency.p50Ms,
    p99Ms: measured.latency.p99Ms,
    serverCpu: measured.serverCpuMs / measured.wallMs,
    loadCpu: measured.loadCpu,
  }
}

export async function runPersistenceAndRelay(
  ctx: BenchContext,
  storeDetail: () => Promise<string | null>,
): Promise<PersistenceResult> {
  const figures: ByContender<IngestFigures> = {}
  for (const id of ctx.options.contenders) {
    const server = await ctx.acquireServer(contender(id))
    try {
      figures[id] = await runIngest(ctx, server)
      ctx.progress(
        `8 ingest ${id}: ${num(figures[id].updatesPerSecond)} updates/s, p99 ${sig(figures[id].p99Ms)} ms`,
      )
    } finally {
      await ctx.releaseServer(server)
    }
  }
  const crossNode = await runCrossNode(ctx)
  if (!crossNode.ran) ctx.progress(`8 cross-node ${crossNode.reason}`)
  const { rooms, window } = ctx.options.persistence
  return { rooms, window, figures, crossNode, storeDetail: await storeDetail() }
}

export function renderPersistenceAndRelay(result: PersistenceResult, order: readonly ContenderId[]): string {
  const { figures } = result
  const rows = contendersWith(figures, order).map((c) => {
    const f = figures[c.id]!
    return [
      c.label,
      num(f.updatesPerSecond),
      ratioCell(figures, c.id, (x) => x.updatesPerSecond),
      sig(f.p50Ms),
      sig(f.p99Ms),
      pct(f.serverCpu),
      pct(f.loadCpu),
    ]
  })
  const sqlite = figures['tandem-sqlite']?.updatesPerSecond
  const memory = figures['tandem-memory']?.updatesPerSecond
  const cost =
    sqlite !== undefined && memory !== undefined
      ? `Durable storage keeps ${pct(sqlite / memory)} of Tandem's in-memory update throughput.`
      : ''
  const sections = [
    `### Persistence on vs off\n\n${result.rooms} rooms, each with one writer and one observer; every writer keeps ` +
      `${result.window} updates in flight and sends the next as each reaches its observer. Tandem (SQLite) releases ` +
      'an update only once it is durable; the anchors store nothing.',
    '',
    table(['contender', 'updates/s', 'ratio', 'p50 ms', 'p99 ms', 'server CPU', 'load generator CPU'], rows),
    '',
    RATIO_NOTE,
    cost ? `\n${cost}` : '',
    '',
    `### Cross-node vs same-node latency through Redis\n\n${renderCrossNode(result.crossNode)}`,
  ]
  if (result.storeDetail) {
    sections.push('', '### Store level (bench/persistence.ts)', '', result.storeDetail.trim())
  }
  return sections.join('\n')
}
