/**
 * Workload 4, presence: N users in one room each publishing their cursor once a second. Server CPU
 * (share of one core) and the latency of presence entries at a sample of receivers; every receiver
 * takes delivery of every frame.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import { connectClients } from '../load/connectClients'
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

export interface PresenceResult {
  readonly timedReceivers: number
  readonly byUsers: ReadonlyMap<number, ByContender<PresenceFigures>>
}

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
  return { timedReceivers: ctx.options.presence.timedReceivers, byUsers }
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
  ].join('\n')
}
