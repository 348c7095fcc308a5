/**
 * Workload 1, fan-out at a fixed load: rooms of clients each typing into a real Y.Doc at a steady
 * rate; end-to-end latency of every delivery and server CPU per 1,000 delivered updates.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type Contender, type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { Pacer } from '../load/Pacer'
import { measureWindow, waitForQuiet } from '../measure/measureWindow'
import { median } from '../measure/stats'
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

export interface FanoutFigures {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly deliveredPerSecond: number
  readonly serverCpuMsPer1000: number
  /** Server CPU as a fraction of one core. */
  readonly serverCpu: number
  readonly loadCpu: number
  /** The pacer fell behind its schedule: the load generator could not offer the load. */
  readonly lagged: boolean
  /** Share of the server's core that other processes on the machine took during the window. */
  readonly otherOnServerCore: number
}

export interface FanoutResult {
  readonly rooms: number
  readonly clientsPerRoom: number
  readonly updatesPerSecond: number
  readonly repetitions: number
  readonly warmupMs: number
  readonly measureMs: number
  readonly figures: ByContender<FanoutFigures>
}

const CONNECT_CONCURRENCY = 50
const CONNECT_DEADLINE_MS = 60_000

/** One repetition against a running server: connect, type, measure, disconnect. */
export async function runFanoutOnce(
  ctx: BenchContext,
  server: ServerProcess,
  tag: string,
): Promise<FanoutFigures> {
  const { rooms, clientsPerRoom, updatesPerSecond, warmupMs, measureMs } = ctx.options.fanout
  const session = new LoadSession(server.contender, server.port, ctx.token)
  const clients: BenchClient[] = []
  for (let room = 0; room < rooms; room++) {
    for (let i = 0; i < clientsPerRoom; i++) clients.push(session.client(`fanout-${tag}-${room}`, 'doc'))
  }
  const connected = await connectClients(clients, {
    concurrency: CONNECT_CONCURRENCY,
    deadlineMs: CONNECT_DEADLINE_MS,
  })
  if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
  const pacer = new Pacer(clients.length * updatesPerSecond, clients.length, (i) => clients[i]!.type())
  pacer.start()
  await sleep(warmupMs)
  pacer.lagged = false
  const window = await measureWindow([server], session.log, measureMs, ctx.interference)
  const lagged = pacer.lagged
  pacer.stop()
  await waitForQuiet(session.log, 100, 5000)
  await closeClients(clients)
  const { delivered, p50Ms, p99Ms } = window.latency
  return {
    p50Ms,
    p99Ms,
    deliveredPerSecond: (delivered / window.wallMs) * 1000,
    serverCpuMsPer1000: (window.serverCpuMs / delivered) * 1000,
    serverCpu: window.serverCpuMs / window.wallMs,
    loadCpu: window.loadCpu,
    lagged,
    otherOnServerCore: window.other.serverCore,
  }
}

function medianFigures(runs: readonly FanoutFigures[]): FanoutFigures {
  const of = (read: (figures: FanoutFigures) => number) => median(runs.map(read))
  return {
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    deliveredPerSecond: of((r) => r.deliveredPerSecond),
    serverCpuMsPer1000: of((r) => r.serverCpuMsPer1000),
    serverCpu: of((r) => r.serverCpu),
    loadCpu: of((r) => r.loadCpu),
    lagged: runs.some((r) => r.lagged),
    otherOnServerCore: of((r) => r.otherOnServerCore),
  }
}

export async function runFanout(ctx: BenchContext): Promise<FanoutResult> {
  const { rooms, clientsPerRoom, updatesPerSecond, warmupMs, measureMs } = ctx.options.fanout
  const figures: ByContender<FanoutFigures> = {}
  for (const id of ctx.options.contenders) {
    const runs: FanoutFigures[] = []
    for (let rep = 0; rep < ctx.options.repetitions; rep++) {
      // A fresh server per repetition: each starts from the same state, and the noise is independent.
      const server = await ctx.acquireServer(contender(id))
      try {
        runs.push(await runFanoutOnce(ctx, server, `r${rep}`))
      } finally {
        await ctx.releaseServer(server)
      }
      ctx.progress(`1 fan-out ${id} rep ${rep + 1}: p99 ${sig(runs.at(-1)!.p99Ms)} ms`)
    }
    figures[id] = medianFigures(runs)
  }
  return {
    rooms,
    clientsPerRoom,
    updatesPerSecond,
    repetitions: ctx.options.repetitions,
    warmupMs,
    measureMs,
    figures,
  }
}

export function renderFanout(result: FanoutResult, order: readonly ContenderId[]): string {
  const { figures } = result
  const rows = contendersWith(figures, order).map((c: Contender) => {
    const f = figures[c.id]!
    return [
      c.label,
      sig(f.p50Ms),
      sig(f.p99Ms),
      ratioCell(figures, c.id, (x) => x.p99Ms),
      num(f.deliveredPerSecond),
      num(f.serverCpuMsPer1000, 2),
      ratioCell(figures, c.id, (x) => x.serverCpuMsPer1000),
      pct(f.serverCpu),
      `${pct(f.loadCpu)}${f.lagged ? ' (lagged)' : ''}`,
      pct(f.otherOnServerCore),
    ]
  })
  return [
    `${result.rooms} rooms x ${result.clientsPerRoom} clients, each typing ${result.updatesPerSecond} updates/s into a real Y.Doc; ` +
      `every other client of the room receives and applies each update. Each run starts a fresh server, types ` +
      `${result.warmupMs / 1000} s before measuring ${result.measureMs / 1000} s (so JIT compilation has settled, as on a ` +
      `server that has been up a while). Median of ${result.repetitions} runs.`,
    '',
    table(
      [
        'contender',
        'p50 ms',
        'p99 ms',
        'p99 ratio',
        'delivered/s',
        'server CPU ms per 1,000 delivered',
        'CPU ratio',
        'server CPU',
        'load generator CPU',
        'other processes on server core',
      ],
      rows,
    ),
    '',
    RATIO_NOTE,
  ].join('\n')
}
