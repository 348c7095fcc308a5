/**
 * Workload 7, reconnect storm: clients with edited documents are connected when the server restarts
 * (graceful stop, same port and data). Once it listens again all clients reconnect at the same
 * instant, as stock clients closed together retry together; failed attempts back off like them.
 * Time until every client is synced again, and how many attempts failed.
 */
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { waitForQuiet } from '../measure/measureWindow'
import { median } from '../measure/stats'
import { type ByContender, contendersWith, num, RATIO_NOTE, ratioCell, sig, table } from '../report/markdown'

export interface ReconnectFigures {
  readonly allSyncedMs: number
  readonly p50Ms: number
  readonly failedAttempts: number
  readonly unsynced: number
  /** Stop signal until the new process accepted connections (informational). */
  readonly restartMs: number
  /** Of that, from spawning the new process until it accepted connections: the stop is the rest. */
  readonly startMs: number
}

export interface ReconnectResult {
  readonly clients: number
  readonly repetitions: number
  readonly figures: ByContender<ReconnectFigures>
}

const KEYSTROKES_PER_CLIENT = 3
const CLOSE_DEADLINE_MS = 20_000

/** Resolves once every client saw its socket close (or the deadline passed). */
function allClosed(clients: readonly BenchClient[]): Promise<void> {
  return new Promise((resolve) => {
    let open = clients.filter((client) => client.ws !== null).length
    const timer = setTimeout(resolve, CLOSE_DEADLINE_MS)
    if (open === 0) resolve()
    for (const client of clients) {
      client.onClosed = () => {
        client.onClosed = null
        if (--open === 0) {
          clearTimeout(timer)
          resolve()
        }
      }
    }
  })
}

async function runFor(ctx: BenchContext, id: ContenderId): Promise<ReconnectFigures> {
  const { clients: count, clientsPerRoom, deadlineMs } = ctx.options.reconnect
  const dataDir = ctx.newDataDir()
  let server: ServerProcess = await ctx.startServer(contender(id), { dataDir })
  const runs: ReconnectFigures[] = []
  try {
    const session = new LoadSession(server.contender, server.port, ctx.token)
    const clients = Array.from({ length: count }, (_, i) =>
      session.client(`reconnect-${Math.floor(i / clientsPerRoom)}`, 'doc'),
    )
    const first = await connectClients(clients, { concurrency: 100, deadlineMs: 120_000 })
    if (first.unsynced > 0) throw new Error(`${first.unsynced} clients could not connect`)
    for (let k = 0; k < KEYSTROKES_PER_CLIENT; k++) for (const client of clients) client.type()
    await waitForQuiet(session.log, 200, 10_000)

    for (let rep = 0; rep < ctx.options.repetitions; rep++) {
      const closed = allClosed(clients)
      const stopped = performance.now()
      await server.stop()
      await closed
      const starting = performance.now()
      server = await ctx.startServer(contender(id), { dataDir, port: server.port })
      const restartMs = performance.now() - stopped
      const startMs = performance.now() - starting
      const outcome = await connectClients(clients, { concurrency: Number.POSITIVE_INFINITY, deadlineMs })
      const figures = {
        allSyncedMs: outcome.unsynced > 0 ? Number.NaN : Math.max(...outcome.syncedAfterMs),
        p50Ms: median(outcome.syncedAfterMs),
        failedAttempts: outcome.failedAttempts,
        unsynced: outcome.unsynced,
        restartMs,
        startMs,
      }
      runs.push(figures)
      ctx.progress(
        `7 reconnect ${id} rep ${rep + 1}: all synced after ${sig(figures.allSyncedMs)} ms, ` +
          `${figures.failedAttempts} failed attempts, ${figures.unsynced} unsynced`,
      )
    }
    await closeClients(clients)
  } finally {
    await server.stop()
  }
  return {
    allSyncedMs: median(runs.map((r) => r.allSyncedMs)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    failedAttempts: median(runs.map((r) => r.failedAttempts)),
    unsynced: Math.max(...runs.map((r) => r.unsynced)),
    restartMs: median(runs.map((r) => r.restartMs)),
    startMs: median(runs.map((r) => r.startMs)),
  }
}

export async function runReconnectStorm(ctx: BenchContext): Promise<ReconnectResult> {
  const figures: ByContender<ReconnectFigures> = {}
  for (const id of ctx.options.contenders) figures[id] = await runFor(ctx, id)
  return { clients: ctx.options.reconnect.clients, repetitions: ctx.options.repetitions, figures }
}

export function renderReconnectStorm(result: ReconnectResult, order: readonly ContenderId[]): string {
  const { figures } = result
  const rows = contendersWith(figures, order).map((c) => {
    const f = figures[c.id]!
    return [
      c.label,
      sig(f.allSyncedMs),
      ratioCell(figures, c.id, (x) => x.allSyncedMs),
      sig(f.p50Ms),
      num(f.failedAttempts),
      num(f.unsynced),
      num(f.restartMs),
      num(f.startMs),
    ]
  })
  return [
    `${num(result.clients)} clients (rooms of 10, each client has typed a few characters) are connected when the ` +
      'server restarts; when it listens again, all reconnect at once. Median of ' +
      `${result.repetitions} restarts. Anchors run with their shipped listen backlog (511); Tandem and the relay use 4,096.`,
    '',
    table(
      [
        'contender',
        'all synced ms',
        'ratio',
        'p50 ms',
        'failed attempts',
        'never synced',
        'restart (stop + start) ms',
        'of which start ms',
      ],
      rows,
    ),
    '',
    RATIO_NOTE,
  ].join('\n')
}
