/**
 * Workload 5, idle memory per connection: the server's resident memory before and after thousands
 * of synced, silent connections (rooms of ten), divided by the connection count.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { median } from '../measure/stats'
import { type ByContender, contendersWith, num, RATIO_NOTE, ratioCell, table } from '../report/markdown'

export interface IdleFigures {
  readonly baselineMiB: number
  readonly loadedMiB: number
  readonly kibPerConnection: number
}

export interface IdleResult {
  readonly connections: number
  readonly clientsPerRoom: number
  readonly figures: ByContender<IdleFigures>
}

const WARM_UP_CLIENTS = 20
const SAMPLE_GAP_MS = 300

async function sampleRss(server: ServerProcess, count: number): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(SAMPLE_GAP_MS)
    samples.push(server.stats.rssKiB())
  }
  return median(samples)
}

async function runOnce(ctx: BenchContext, id: ContenderId): Promise<IdleFigures> {
  const { connections, clientsPerRoom, settleMs, rssSamples } = ctx.options.idle
  const server = await ctx.acquireServer(contender(id))
  try {
    const session = new LoadSession(server.contender, server.port, ctx.token)
    // Load and compile the connection path first, so the baseline is a server that has served clients.
    const warmUp = Array.from({ length: WARM_UP_CLIENTS }, (_, i) => session.client(`warm-${i % 2}`, 'meta'))
    await connectClients(warmUp, { concurrency: 10, deadlineMs: 30_000 })
    await closeClients(warmUp)
    await sleep(settleMs)
    const baseline = await sampleRss(server, rssSamples)
    const clients = Array.from({ length: connections }, (_, i) =>
      session.client(`idle-${Math.floor(i / clientsPerRoom)}`, 'meta'),
    )
    const connected = await connectClients(clients, { concurrency: 200, deadlineMs: 120_000 })
    if (connected.unsynced > 0) throw new Error(`${connected.unsynced} clients could not connect`)
    await sleep(settleMs)
    const loaded = await sampleRss(server, rssSamples)
    await closeClients(clients)
    return {
      baselineMiB: baseline / 1024,
      loadedMiB: loaded / 1024,
      kibPerConnection: (loaded - baseline) / connections,
    }
  } finally {
    await ctx.releaseServer(server)
  }
}

export async function runIdleMemory(ctx: BenchContext): Promise<IdleResult> {
  const figures: ByContender<IdleFigures> = {}
  for (const id of ctx.options.contenders) {
    figures[id] = await runOnce(ctx, id)
    ctx.progress(`5 idle memory ${id}: ${num(figures[id].kibPerConnection, 1)} KiB per connection`)
  }
  return {
    connections: ctx.options.idle.connections,
    clientsPerRoom: ctx.options.idle.clientsPerRoom,
    figures,
  }
}

export function renderIdleMemory(result: IdleResult, order: readonly ContenderId[]): string {
  const { figures } = result
  const rows = contendersWith(figures, order).map((c) => {
    const f = figures[c.id]!
    return [
      c.label,
      num(f.baselineMiB, 1),
      num(f.loadedMiB, 1),
      num(f.kibPerConnection, 1),
      ratioCell(figures, c.id, (x) => x.kibPerConnection),
    ]
  })
  return [
    `${num(result.connections)} synced, idle connections in rooms of ${result.clientsPerRoom} (empty documents); ` +
      'resident memory (VmRSS, median of several readings) before and after.',
    '',
    table(
      [
        'contender',
        'baseline MiB',
        `with ${num(result.connections)} connections MiB`,
        'KiB per connection',
        'ratio',
      ],
      rows,
    ),
    '',
    RATIO_NOTE,
  ].join('\n')
}
