/**
 * Workload 6, joining a large document: a room is seeded (20,000 typing updates over one socket; a
 * 5 MB document in one update) while its author stays connected; then new clients join one after
 * another, then all at once (a join storm). Time until each joiner holds the document (the server's
 * step 2 received) and the server CPU each join costs. With a Tandem contender selected, also what
 * taking a version of the large document costs (versionCost.ts).
 */
import type { BenchContext } from '../BenchContext'
import { type ContenderId, contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { BenchClient } from '../load/BenchClient'
import { closeClients, connectClients } from '../load/connectClients'
import { LoadSession } from '../load/LoadSession'
import { largeDocument } from '../load/typingUpdates'
import { waitForIdleServers } from '../measure/measureWindow'
import { median, percentile } from '../measure/stats'
import { type ByContender, contendersWith, num, RATIO_NOTE, ratioCell, sig, table } from '../report/markdown'
import { measureVersionCost, renderVersionCost, type VersionCostResult } from './versionCost'

export interface JoinFigures {
  /** Seeding: first frame sent until the server answered a step 1 sent after the last one. */
  readonly ingestMs: number
  readonly documentBytes: number
  readonly joinMedianMs: number
  readonly serverCpuMsPerJoin: number
  readonly stormP50Ms: number
  readonly stormAllMs: number
  readonly stormServerCpuMs: number
  readonly stormFailures: number
}

export type DocumentKind = 'typing' | 'large'

export interface JoinResult {
  readonly typingUpdates: number
  readonly largeDocumentBytes: number
  readonly sequentialJoins: number
  /** Storm size per document. */
  readonly stormClients: ReadonlyMap<DocumentKind, number>
  readonly byDocument: ReadonlyMap<DocumentKind, ByContender<JoinFigures>>
  /** Taking a version of the large document; null without a Tandem contender. */
  readonly versionCost: VersionCostResult | null
}

const STORM_DEADLINE_MS = 90_000
const IDLE_QUIET_MS = 300
const IDLE_MAX_MS = 30_000

async function measureJoins(
  ctx: BenchContext,
  server: ServerProcess,
  session: LoadSession,
  room: string,
  seed: (seeder: BenchClient) => void,
  stormClients: number,
): Promise<JoinFigures> {
  const { sequentialJoins } = ctx.options.join
  const seeder = session.client(room, 'meta')
  await seeder.connect()
  const seedStarted = performance.now()
  seed(seeder)
  await seeder.requestSync()
  const ingestMs = performance.now() - seedStarted
  // Tandem compacts a long log after seeding; joins are measured once that background work is done.
  await waitForIdleServers([server], IDLE_QUIET_MS, IDLE_MAX_MS)

  const joiners: BenchClient[] = []
  const joinMs: number[] = []
  let cpuBefore = server.stats.readCpu()
  for (let i = 0; i < sequentialJoins; i++) {
    const joiner = session.client(room, 'meta')
    joiners.push(joiner)
    const started = performance.now()
    await joiner.connect()
    joinMs.push(performance.now() - started)
  }
  const serverCpuMsPerJoin = server.stats.cpuSince(cpuBefore) / sequentialJoins
  const documentBytes = joiners[0]?.lastStep2Bytes ?? 0

  await waitForIdleServers([server], IDLE_QUIET_MS, IDLE_MAX_MS)
  const storm = Array.from({ length: stormClients }, () => session.client(room, 'meta'))
  cpuBefore = server.stats.readCpu()
  const outcome = await connectClients(storm, {
    concurrency: Number.POSITIVE_INFINITY,
    deadlineMs: STORM_DEADLINE_MS,
  })
  const stormServerCpuMs = server.stats.cpuSince(cpuBefore)
  await closeClients([seeder, ...joiners, ...storm])
  return {
    ingestMs,
    documentBytes,
    joinMedianMs: median(joinMs),
    serverCpuMsPerJoin,
    stormP50Ms: percentile(outcome.syncedAfterMs, 50),
    stormAllMs: outcome.unsynced > 0 ? Number.NaN : percentile(outcome.syncedAfterMs, 100),
    stormServerCpuMs,
    stormFailures: outcome.failedAttempts + outcome.unsynced,
  }
}

export async function runLargeDocumentJoin(ctx: BenchContext): Promise<JoinResult> {
  const { typingUpdates, largeDocumentBytes, sequentialJoins, stormClients, largeStormClients } =
    ctx.options.join
  const ids = ctx.options.contenders.filter((id) => contender(id).holdsDocuments)
  const large = ids.length > 0 ? largeDocument(largeDocumentBytes) : new Uint8Array()
  const seeds: ReadonlyArray<readonly [DocumentKind, (seeder: BenchClient) => void]> = [
    ['typing', (seeder) => seeder.typeMany(typingUpdates)],
    ['large', (seeder) => seeder.sendUpdate(large)],
  ]
  const storms = new Map<DocumentKind, number>([
    ['typing', stormClients],
    ['large', largeStormClients],
  ])
  const byDocument = new Map<DocumentKind, ByContender<JoinFigures>>()
  for (const [kind] of seeds) byDocument.set(kind, {})
  for (const id of ids) {
    for (const [kind, seed] of seeds) {
      // A fresh server per document: the storm on one must not leave garbage for the other to collect.
      const server = await ctx.acquireServer(contender(id))
      try {
        const session = new LoadSession(server.contender, server.port, ctx.token)
        const figures = await measureJoins(ctx, server, session, `join-${kind}`, seed, storms.get(kind)!)
        byDocument.get(kind)![id] = figures
        ctx.progress(
          `6 join ${kind} ${id}: join ${sig(figures.joinMedianMs)} ms, ${sig(figures.serverCpuMsPerJoin)} ms CPU, ` +
            `storm ${sig(figures.stormAllMs)} ms`,
        )
      } finally {
        await ctx.releaseServer(server)
      }
    }
  }
  let versionCost: VersionCostResult | null = null
  if (ids.some((id) => id.startsWith('tandem-'))) {
    const { versionLogRows: logRows, versionRuns: runs } = ctx.options.join
    versionCost = await measureVersionCost({ state: large, logRows, runs, dir: ctx.tmpDir })
    ctx.progress(
      `6 version of the large document: ${versionCost.rows.map((row) => `${sig(row.wallMs)} ms`).join(', ')}`,
    )
  }
  return { typingUpdates, largeDocumentBytes, sequentialJoins, stormClients: storms, byDocument, versionCost }
}

export function renderLargeDocumentJoin(result: JoinResult, order: readonly ContenderId[]): string {
  const rows: string[][] = []
  const names: Record<DocumentKind, string> = {
    typing: `${num(result.typingUpdates)} typing updates, storm of ${result.stormClients.get('typing')}`,
    large: `${num(result.largeDocumentBytes / 1024 / 1024, 1)} MB document, storm of ${result.stormClients.get('large')}`,
  }
  for (const [kind, figures] of result.byDocument) {
    for (const c of contendersWith(figures, order)) {
      const f = figures[c.id]!
      rows.push([
        names[kind],
        c.label,
        num(f.documentBytes / 1024, 0),
        sig(f.ingestMs),
        sig(f.joinMedianMs),
        sig(f.serverCpuMsPerJoin),
        ratioCell(figures, c.id, (x) => x.serverCpuMsPerJoin),
        sig(f.stormP50Ms),
        sig(f.stormAllMs),
        ratioCell(figures, c.id, (x) => x.stormAllMs),
        num(f.stormServerCpuMs),
        num(f.stormFailures),
      ])
    }
  }
  return [
    `A room is seeded by one client that stays connected; once the server is idle again (Tandem compacts the log), ` +
      `${result.sequentialJoins} clients join one after another, then a storm joins at once (smaller on the large ` +
      'document: the anchors re-encode all of it for every joiner; BENCH_JOIN_STORM_LARGE=150 for the full storm). ' +
      '"Synced" = the server\'s step 2 received (the client-side apply, the same for every server, is left out). ' +
      'The bare relay keeps no document, so it has no row here.',
    '',
    table(
      [
        'document',
        'contender',
        'encoded KiB',
        'seed ms',
        'join median ms',
        'server CPU ms per join',
        'CPU ratio',
        'storm p50 ms',
        'storm all synced ms',
        'storm ratio',
        'storm server CPU ms',
        'storm failures',
      ],
      rows,
      2,
    ),
    '',
    RATIO_NOTE,
    ...(result.versionCost ? ['', renderVersionCost(result.versionCost)] : []),
  ].join('\n')
}
