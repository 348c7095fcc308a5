/**
 * Workload 2, maximum sustained throughput: the fan-out rooms with the typing rate stepped up until
 * p99 passes the limit or deliveries fall behind what was offered. Clients send hand-encoded typing
 * updates and read delivered ids off the update header, so the load generator stays cheaper than the
 * servers; when it still becomes the limit, the step says so.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
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

/** A step passes when at least this share of the offered deliveries arrived within the window. */
const MIN_DELIVERED_SHARE = 0.95
/** At this share of a core the load generator, not the server, sets the pace. */
const LOAD_LIMIT_CPU = 0.9

export interface ThroughputStep {
  readonly ratePerClient: number
  readonly offeredPerSecond: number
  readonly deliveredPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly serverCpu: number
  readonly loadCpu: number
  /** Share of the server's core other processes on the machine took during the window. */
  readonly otherOnServerCore: number
  readonly passed: boolean
  /** Why the step failed: 'p99', 'behind' (deliveries fell short) or 'load generator'. */
  readonly failure: string | null
}

export interface ThroughputFigures {
  readonly steps: readonly ThroughputStep[]
  /** Highest delivered/s of a passing step (0 when none passed). */
  readonly maxSustainedPerSecond: number
  /** The climb ended because the load generator, not the server, reached its limit. */
  readonly loadLimited: boolean
  /** Every step was sustained: the server's limit lies above the highest rate tried. */
  readonly exhausted: boolean
}

export interface ThroughputResult {
  readonly rooms: number
  readonly clientsPerRoom: number
  readonly p99LimitMs: number
  readonly figures: ByContender<ThroughputFigures>
}

function judge(
  step: Omit<ThroughputStep, 'passed' | 'failure'>,
  limitMs: number,
  lagged: boolean,
): string | null {
  if (lagged || step.loadCpu >= LOAD_LIMIT_CPU) return 'load generator'
  if (!(step.p99Ms < limitMs)) return 'p99'
  if (step.deliveredPerSecond < MIN_DELIVERED_SHARE * step.offeredPerSecond) return 'behind'
  return null
}

/** Offers one rate for a warm-up and a measurement window; the pacer stops before it returns. */
async function runStep(
  ctx: BenchContext,
  server: ServerProcess,
  session: LoadSession,
  clients: readonly BenchClient[],
  rate: number,
): Promise<ThroughputStep> {
  const { clientsPerRoom, warmupMs, measureMs, p99LimitMs } = ctx.options.throughput
  const pacer = new Pacer(clients.length * rate, clients.length, (i) => clients[i]!.type())
  pacer.start()
  await sleep(warmupMs)
  pacer.lagged = false
  const window = await measureWindow([server], session.log, measureMs, ctx.interference)
  const lagged = pacer.lagged
  pacer.stop()
  const figures = {
    ratePerClient: rate,
    offeredPerSecond: clients.length * rate * (clientsPerRoom - 1),
    deliveredPerSecond: (window.latency.delivered / window.wallMs) * 1000,
    p50Ms: window.latency.p50Ms,
    p99Ms: window.latency.p99Ms,
    serverCpu: window.serverCpuMs / window.wallMs,
    loadCpu: window.loadCpu,
    otherOnServerCore: window.other.serverCore,
  }
  const failure = judge(figures, p99LimitMs, lagged)
  ctx.progress(
    `2 throughput ${server.contender.id} ${num(figures.offeredPerSecond)}/s offered: ` +
      `${num(figures.deliveredPerSecond)}/s, p99 ${sig(figures.p99Ms)} ms, server ${pct(figures.serverCpu)}, ` +
      `load ${pct(figures.loadCpu)}${failure ? ` -> ${failure}` : ''}`,
  )
  return { ...figures, passed: failure === null, failure }
}

export async function runThroughputFor(ctx: BenchContext, id: ContenderId): Promise<ThroughputFigures> {
  const { rooms, clientsPerRoom, rates } = ctx.options.throughput
  const server = await ctx.acquireServer(contender(id))
  const steps: ThroughputStep[] = []
  try {
    const session = new LoadSession(server.contender, server.port, ctx.token)
    const clients: BenchClient[] = []
    for (let room = 0; room < rooms; room++) {
      for (let i = 0; i < clientsPerRoom; i++) clients.push(session.client(`throughput-${room}`, 'meta'))
    }
    const connected = await connectClients(clients, { concurrency: 50, deadlineMs: 60_000 })
    if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
    for (const rate of rates) {
      // A failed step is tried once more: on a shared machine one stall can fail a step the server sustains.
      let step = await runStep(ctx, server, session, clients, rate)
      if (step.failure) {
        await waitForQuiet(session.log, 100, 5000)
        step = await runStep(ctx, server, session, clients, rate)
      }
      steps.push(step)
      if (step.failure) break
      await waitForQuiet(session.log, 100, 5000)
    }
    await closeClients(clients)
  } finally {
    await ctx.releaseServer(server)
  }
  const passed = steps.filter((step) => step.passed)
  return {
    steps,
    maxSustainedPerSecond: Math.max(0, ...passed.map((step) => step.deliveredPerSecond)),
    loadLimited: steps.at(-1)?.failure === 'load generator',
    exhausted: steps.length > 0 && steps.every((step) => step.passed),
  }
}

export async function runThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  const { rooms, clientsPerRoom, p99LimitMs } = ctx.options.throughput
  const figures: ByContender<ThroughputFigures> = {}
  for (const id of ctx.options.contenders) figures[id] = await runThroughputFor(ctx, id)
  return { rooms, clientsPerRoom, p99LimitMs, figures }
}

export function renderThroughput(result: ThroughputResult, order: readonly ContenderId[]): string {
  const { figures } = result
  const present = contendersWith(figures, order)
  const summary = present.map((c) => {
    const f = figures[c.id]!
    const last = f.steps.at(-1)
    let end = `${last?.failure === 'p99' ? `p99 ${sig(last.p99Ms)} ms` : 'deliveries fell behind'} at ${num(last?.offeredPerSecond)}/s offered`
    if (f.loadLimited)
      end = `load generator was the limit at ${num(last?.offeredPerSecond)}/s offered (server not saturated)`
    if (f.exhausted) end = 'every step sustained (the limit is above the highest rate tried)'
    return [
      c.label,
      num(f.maxSustainedPerSecond),
      ratioCell(figures, c.id, (x) => x.maxSustainedPerSecond),
      end,
    ]
  })
  // p99 at each offered load, side by side: the "below both anchors at every load they sustain" goal.
  const loads = [
    ...new Set(present.flatMap((c) => figures[c.id]!.steps.map((s) => s.offeredPerSecond))),
  ].sort((a, b) => a - b)
  const stepRows = loads.map((load) => [
    num(load),
    ...present.map((c) => {
      const step = figures[c.id]!.steps.find((s) => s.offeredPerSecond === load)
      if (!step) return ''
      const shares = `${pct(step.serverCpu)} / ${pct(step.loadCpu)} / ${pct(step.otherOnServerCore)}`
      return `${sig(step.p99Ms)} (${shares})${step.passed ? '' : ` ✗ ${step.failure}`}`
    }),
  ])
  return [
    `${result.rooms} rooms x ${result.clientsPerRoom} clients; every client types at the step's rate; a step is ` +
      `sustained when p99 < ${result.p99LimitMs} ms and at least ${pct(MIN_DELIVERED_SHARE)} of the offered deliveries ` +
      'arrive within the window.',
    '',
    table(['contender', 'max sustained delivered/s', 'ratio', 'what ended the climb'], summary),
    '',
    RATIO_NOTE,
    '',
    'p99 ms at each offered load (server CPU / load generator CPU / other processes on the server core); ' +
      '✗ marks the step that failed:',
    '',
    table(['offered deliveries/s', ...present.map((c) => c.label)], stepRows),
  ].join('\n')
}
