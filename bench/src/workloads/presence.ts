/**
 * Workload 4, presence: N users in one room each publishing their cursor once a second. Server CPU
 * (share of one core) and the latency of presence entries at a sample of receivers; every receiver
 * takes delivery of every frame. Then the crowd: thousands of readers watching a few typists, each
 * keystroke with a caret move; every reader gets every update and every presence change.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import { connectClients } from '../load/connectClients'
import { DeliveryLog, type LatencySummary, SendTimes } from '../load/DeliveryLog'
import { LoadSession } from '../load/LoadSession'
import { Pacer } from '../load/Pacer'
import { measureWindow } from '../measure/measureWindow'
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

export interface PresenceFigures {
  readonly serverCpu: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Share of the expected presence entries the timed receivers got within the window. */
  readonly deliveredShare: number
  readonly loadCpu: number
  readonly lagged: boolean
  /** Share of the server's core other processes on the machine took during the window. */
  readonly otherOnServerCore: number
}

/** Latency and the share of expected deliveries the timed readers got. */
export interface DeliveryFigures {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly deliveredShare: number
}

export interface CrowdFigures {
  readonly serverCpu: number
  readonly updates: DeliveryFigures
  readonly presence: DeliveryFigures
  readonly loadCpu: number
  readonly lagged: boolean
  readonly otherOnServerCore: number
}

export interface CrowdResult {
  readonly readers: number
  readonly typists: number
  readonly typingRate: number
  readonly figures: ByContender<CrowdFigures>
}

export interface PresenceResult {
  readonly timedReceivers: number
  readonly byUsers: ReadonlyMap<number, ByContender<PresenceFigures>>
  readonly crowd?: CrowdResult
}

/** The crowd runs against the contenders issue 17 compares (others are left out to keep the run short). */
const CROWD_CONTENDERS: readonly ContenderId[] = ['tandem-sqlite', 'hocuspocus', 'y-websocket']

const PRESENCE_HZ = 1

/** One run against a running server (which the caller stops afterwards). */
export async function runPresenceOnce(
  ctx: BenchContext,
  server: ServerProcess,
  users: number,
): Promise<PresenceFigures> {
  const { timedReceivers, warmupMs, measureMs } = ctx.options.presence
  const session = new LoadSession(server.contender, server.port, ctx.token)
  const room = `presence-${users}`
  const timed = Math.min(timedReceivers, users)
  const clients = Array.from({ length: users }, (_, i) =>
    session.client(room, 'meta', i < timed ? 'measure' : 'ignore'),
  )
  const connected = await connectClients(clients, { concurrency: 100, deadlineMs: 120_000 })
  if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
  const pacer = new Pacer(users * PRESENCE_HZ, users, (i) => clients[i]!.sendPresence())
  pacer.start()
  await sleep(warmupMs)
  pacer.lagged = false
  const window = await measureWindow([server], session.log, measureMs, ctx.interference)
  const lagged = pacer.lagged
  pacer.stop()
  // Each departure is broadcast to everyone left, N^2 frames an overloaded server may take long to
  // send: drop the sockets without a close handshake; the server is stopped right after.
  for (const client of clients) client.terminate()
  const expected = timed * (users - 1) * PRESENCE_HZ * (window.wallMs / 1000)
  return {
    serverCpu: window.serverCpuMs / window.wallMs,
    p50Ms: window.latency.p50Ms,
    p99Ms: window.latency.p99Ms,
    deliveredShare: expected > 0 ? window.latency.delivered / expected : Number.NaN,
    loadCpu: window.loadCpu,
    lagged,
    otherOnServerCore: window.other.serverCore,
  }
}

function deliveryFigures(latency: LatencySummary, expected: number): DeliveryFigures {
  return {
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    deliveredShare: expected > 0 ? latency.delivered / expected : Number.NaN,
  }
}

/** Readers watching typists in one room; updates and presence timed at the first `timedReceivers` readers. */
async function runCrowdOnce(ctx: BenchContext, server: ServerProcess): Promise<CrowdFigures> {
  const { timedReceivers, warmupMs, measureMs, crowdReaders, crowdTypists, crowdTypingRate } =
    ctx.options.presence
  const room = 'crowd'
  // Typists note send times in the readers' book but record what they receive in a log of their own.
  const sendTimes = new SendTimes()
  const presenceLog = new DeliveryLog()
  const readersSession = new LoadSession(server.contender, server.port, ctx.token, {
    log: new DeliveryLog(sendTimes),
    presenceLog,
  })
  const typistsSession = new LoadSession(server.contender, server.port, ctx.token, {
    log: new DeliveryLog(sendTimes),
    firstClientId: 1_000_000,
  })
  const timed = Math.min(timedReceivers, crowdReaders)
  const readers = Array.from({ length: crowdReaders }, (_, i) =>
    i < timed ? readersSession.client(room, 'meta', 'measure') : readersSession.client(room, 'sink'),
  )
  const typists = Array.from({ length: crowdTypists }, () => typistsSession.client(room, 'meta'))
  const clients = [...readers, ...typists]
  const connected = await connectClients(clients, { concurrency: 100, deadlineMs: 180_000 })
  if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
  const pacer = new Pacer(crowdTypists * crowdTypingRate, crowdTypists, (i) => {
    typists[i]!.type()
    typists[i]!.sendPresence()
  })
  pacer.start()
  await sleep(warmupMs)
  pacer.lagged = false
  presenceLog.start()
  const window = await measureWindow([server], readersSession.log, measureMs, ctx.interference)
  const presenceLatency = presenceLog.stop()
  const lagged = pacer.lagged
  pacer.stop()
  for (const client of clients) client.terminate()
  const expected = timed * crowdTypists * crowdTypingRate * (window.wallMs / 1000)
  return {
    serverCpu: window.serverCpuMs / window.wallMs,
    updates: deliveryFigures(window.latency, expected),
    presence: deliveryFigures(presenceLatency, expected),
    loadCpu: window.loadCpu,
    lagged,
    otherOnServerCore: window.other.serverCore,
  }
}

async function runCrowd(ctx: BenchContext): Promise<CrowdResult> {
  const figures: ByContender<CrowdFigures> = {}
  const { crowdReaders, crowdTypists, crowdTypingRate } = ctx.options.presence
  for (const id of ctx.options.contenders.filter((c) => CROWD_CONTENDERS.includes(c))) {
    const server = await ctx.acquireServer(contender(id))
    try {
      figures[id] = await runCrowdOnce(ctx, server)
    } finally {
      await ctx.releaseServer(server)
    }
    const f = figures[id]
    ctx.progress(
      `4 crowd ${id} ${crowdReaders}+${crowdTypists}: server ${pct(f.serverCpu)}, update p99 ${sig(f.updates.p99Ms)} ms ` +
        `(${pct(f.updates.deliveredShare)}), presence p99 ${sig(f.presence.p99Ms)} ms (${pct(f.presence.deliveredShare)}), ` +
        `load ${pct(f.loadCpu)}, other on server core ${pct(f.otherOnServerCore)}`,
    )
  }
  return { readers: crowdReaders, typists: crowdTypists, typingRate: crowdTypingRate, figures }
}

export async function runPresence(ctx: BenchContext): Promise<PresenceResult> {
  const byUsers = new Map<number, ByContender<PresenceFigures>>()
  for (const users of ctx.options.presence.users) {
    const figures: ByContender<PresenceFigures> = {}
    for (const id of ctx.options.contenders) {
      const server = await ctx.acquireServer(contender(id))
      try {
        figures[id] = await runPresenceOnce(ctx, server, users)
      } finally {
        await ctx.releaseServer(server)
      }
      ctx.progress(
        `4 presence ${id} x${users}: server ${pct(figures[id].serverCpu)}, p99 ${sig(figures[id].p99Ms)} ms, ` +
          `delivered ${pct(figures[id].deliveredShare)}, load ${pct(figures[id].loadCpu)}, ` +
          `other on server core ${pct(figures[id].otherOnServerCore)}`,
      )
    }
    byUsers.set(users, figures)
  }
  const crowd = await runCrowd(ctx)
  return { timedReceivers: ctx.options.presence.timedReceivers, byUsers, crowd }
}

function renderCrowd(crowd: CrowdResult, order: readonly ContenderId[]): string {
  const rows = contendersWith(crowd.figures, order).map((c) => {
    const f = crowd.figures[c.id]!
    return [
      c.label,
      pct(f.serverCpu),
      ratioCell(crowd.figures, c.id, (x) => x.serverCpu),
      sig(f.updates.p50Ms),
      sig(f.updates.p99Ms),
      pct(f.updates.deliveredShare),
      sig(f.presence.p50Ms),
      sig(f.presence.p99Ms),
      ratioCell(crowd.figures, c.id, (x) => x.presence.p99Ms),
      pct(f.presence.deliveredShare),
      `${pct(f.loadCpu)}${f.lagged ? ' (lagged)' : ''}`,
      pct(f.otherOnServerCore),
    ]
  })
  return [
    `The crowd: ${num(crowd.readers)} readers and ${crowd.typists} typists in one room, each typist making ` +
      `${crowd.typingRate} keystrokes a second, each with a caret move; every reader receives every update and ` +
      'every presence change (timed at the first readers; the rest only take delivery).',
    '',
    table(
      [
        'contender',
        'server CPU (share of one core)',
        'CPU ratio',
        'update p50 ms',
        'update p99 ms',
        'updates delivered',
        'presence p50 ms',
        'presence p99 ms',
        'presence p99 ratio',
        'presence delivered',
        'load generator CPU',
        'other processes on server core',
      ],
      rows,
      1,
    ),
  ].join('\n')
}

export function renderPresence(result: PresenceResult, order: readonly ContenderId[]): string {
  const rows: string[][] = []
  for (const [users, figures] of result.byUsers) {
    for (const c of contendersWith(figures, order)) {
      const f = figures[c.id]!
      rows.push([
        num(users),
        c.label,
        pct(f.serverCpu),
        ratioCell(figures, c.id, (x) => x.serverCpu),
        sig(f.p50Ms),
        sig(f.p99Ms),
        pct(f.deliveredShare),
        `${pct(f.loadCpu)}${f.lagged ? ' (lagged)' : ''}`,
        pct(f.otherOnServerCore),
      ])
    }
  }
  return [
    `N users in one room, each sending a presence update (name, colour, cursor) once a second: N x (N - 1) ` +
      `entries/s to deliver. Latency and delivered share are read at ${result.timedReceivers} receivers.`,
    '',
    table(
      [
        'users',
        'contender',
        'server CPU (share of one core)',
        'CPU ratio',
        'p50 ms',
        'p99 ms',
        'delivered',
        'load generator CPU',
        'other processes on server core',
      ],
      rows,
      2,
    ),
    '',
    RATIO_NOTE,
    ...(result.crowd && Object.keys(result.crowd.figures).length > 0
      ? ['', renderCrowd(result.crowd, order)]
      : []),
  ].join('\n')
}
