/**
 * Workload 3, one writer and many readers in one document: the writer types into a real Y.Doc; the
 * observers read each delivered update's ids off its header. Applying it to 1,500 documents in
 * this one process would make the load generator, which reads the 1,500 sockets one after another,
 * the bottleneck of the latency it measures. Latency p50/p99 and server CPU per delivered update.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { Pacer } from '../load/Pacer'
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

export interface ReadersFigures {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly deliveredPerSecond: number
  /** Server CPU per update per observer, in microseconds. */
  readonly serverCpuUsPerDelivery: number
  readonly loadCpu: number
  readonly lagged: boolean
}

export interface ReadersResult {
  readonly updatesPerSecond: number
  /** Figures per observer count. */
  readonly byObservers: ReadonlyMap<number, ByContender<ReadersFigures>>
}

async function runOnce(ctx: BenchContext, id: ContenderId, observers: number): Promise<ReadersFigures> {
  const { updatesPerSecond, warmupMs, measureMs } = ctx.options.readers
  const server = await ctx.acquireServer(contender(id))
  try {
    const session = new LoadSession(server.contender, server.port, ctx.token)
    const room = `readers-${observers}`
    const readers = Array.from({ length: observers }, () => session.client(room, 'meta'))
    const writer = session.client(room, 'doc')
    const connected = await connectClients([...readers, writer], { concurrency: 100, deadlineMs: 120_000 })
    if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
    const pacer = new Pacer(updatesPerSecond, 1, () => writer.type())
    pacer.start()
    await sleep(warmupMs)
    pacer.lagged = false
    const window = await measureWindow([server], session.log, measureMs, ctx.interference)
    const lagged = pacer.lagged
    pacer.stop()
    await waitForQuiet(session.log, 100, 5000)
    await closeClients([...readers, writer])
    const { delivered, p50Ms, p99Ms } = window.latency
    return {
      p50Ms,
      p99Ms,
      deliveredPerSecond: (delivered / window.wallMs) * 1000,
      serverCpuUsPerDelivery: (window.serverCpuMs * 1000) / delivered,
      loadCpu: window.loadCpu,
      lagged,
    }
  } finally {
    await ctx.releaseServer(server)
  }
}

export async function runReaders(ctx: BenchContext): Promise<ReadersResult> {
  const byObservers = new Map<number, ByContender<ReadersFigures>>()
  for (const observers of ctx.options.readers.observers) {
    const figures: ByContender<ReadersFigures> = {}
    for (const id of ctx.options.contenders) {
      figures[id] = await runOnce(ctx, id, observers)
      ctx.progress(`3 readers ${id} x${observers}: p99 ${sig(figures[id].p99Ms)} ms`)
    }
    byObservers.set(observers, figures)
  }
  return { updatesPerSecond: ctx.options.readers.updatesPerSecond, byObservers }
}

export function renderReaders(result: ReadersResult, order: readonly ContenderId[]): string {
  const rows: string[][] = []
  for (const [observers, figures] of result.byObservers) {
    for (const c of contendersWith(figures, order)) {
      const f = figures[c.id]!
      rows.push([
        num(observers),
        c.label,
        sig(f.p50Ms),
        sig(f.p99Ms),
        ratioCell(figures, c.id, (x) => x.p99Ms),
        num(f.deliveredPerSecond),
        num(f.serverCpuUsPerDelivery, 1),
        ratioCell(figures, c.id, (x) => x.serverCpuUsPerDelivery),
        `${pct(f.loadCpu)}${f.lagged ? ' (lagged)' : ''}`,
      ])
    }
  }
  return [
    `One writer typing ${result.updatesPerSecond} updates/s into its Y.Doc; every observer receives every update ` +
      'and reads its id off the update header (all observers live in the one load-generating process, which reads ' +
      'their sockets one after another: that serial read is part of the figures and grows with the observer count).',
    '',
    table(
      [
        'observers',
        'contender',
        'p50 ms',
        'p99 ms',
        'p99 ratio',
        'delivered/s',
        'server CPU µs per update per observer',
        'CPU ratio',
        'load generator CPU',
      ],
      rows,
      2,
    ),
    '',
    RATIO_NOTE,
  ].join('\n')
}
