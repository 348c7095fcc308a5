/**
 * The goals of issues 16 (the message path) and 17 (presence), judged against this run's figures: met, or missed by how much, and what the
 * measurements say limits it.
 */
import type { ProfiledRun } from '../workloads/profileTandem'
import type { BenchResults } from './BenchResults'
import { num, pct, sig } from './markdown'

export interface GoalVerdict {
  readonly goal: string
  /** null: not measured in this run. */
  readonly met: boolean | null
  /** "met", "missed by 23%", "not measured". */
  readonly verdict: string
  /** The figures behind the verdict. */
  readonly detail: string
  /** What limits it, when missed (or caveats on a measurement). */
  readonly limit?: string
}

const HEADLINE = 'tandem-sqlite'

function notMeasured(goal: string, why = 'workload not run'): GoalVerdict {
  return { goal, met: null, verdict: 'not measured', detail: why }
}

/** "missed by 23%" where `excess` is how far past the bound the figure is, as a fraction. */
function by(excess: number): string {
  return `missed by ${pct(excess)}`
}

function hotAreas(profiles: readonly ProfiledRun[] | undefined, workload: string): string {
  const run = profiles?.find((p) => p.workload.startsWith(workload))
  if (!run) return ''
  const areas = run.summary.areas
    .slice(0, 4)
    .map((a) => `${a.name} ${pct(a.share)}`)
    .join(', ')
  const functions = run.summary.functions
    .slice(0, 4)
    .map((f) => `\`${f.name}\` (${f.location}${f.via ? `, from ${f.via}` : ''}) ${pct(f.share)}`)
    .join('; ')
  return ` Profile (workload ${run.workload}): ${areas}. Hottest functions: ${functions}.`
}

/** A goal on a ratio of two figures: met when `ratio` is within `bound` (at most, or at least). */
function ratioGoal(
  goal: string,
  ratio: number | undefined,
  bound: number,
  direction: 'at most' | 'at least',
  detail: string,
  limit?: string,
): GoalVerdict {
  if (ratio === undefined || !Number.isFinite(ratio)) return notMeasured(goal)
  const met = direction === 'at most' ? ratio <= bound : ratio >= bound
  if (met) return { goal, met: true, verdict: 'met', detail }
  const excess = direction === 'at most' ? ratio / bound - 1 : 1 - ratio / bound
  return { goal, met: false, verdict: by(excess), detail, limit: limit?.trim() || undefined }
}

function quotient(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

/** Workload 1: CPU per delivered update at both durability levels, and p99, against y-websocket. */
function fanout(results: BenchResults): GoalVerdict[] {
  const f = results.fanout?.figures
  const anchor = f?.['y-websocket']
  const cpu = (id: 'tandem-sqlite' | 'tandem-process', bound: number, label: string) => {
    const own = f?.[id]?.serverCpuMsPer1000
    const ratio = quotient(own, anchor?.serverCpuMsPer1000)
    return ratioGoal(
      `Fan-out: server CPU per delivered update, ${label}, at most ${bound.toFixed(1)}x the y-websocket server's`,
      ratio,
      bound,
      'at most',
      `workload 1: ${num(own, 2)} vs ${num(anchor?.serverCpuMsPer1000, 2)} ms per 1,000 delivered (${ratio?.toFixed(2)}×)`,
      hotAreas(results.profiles, '1'),
    )
  }
  const p99 = quotient(f?.[HEADLINE]?.p99Ms, anchor?.p99Ms)
  return [
    cpu('tandem-sqlite', 1, 'default durability (fsync)'),
    cpu('tandem-process', 0.8, 'DURABILITY=process'),
    ratioGoal(
      "Fan-out p99 at most 1.1x the y-websocket server's",
      p99,
      1.1,
      'at most',
      `workload 1: ${sig(f?.[HEADLINE]?.p99Ms)} vs ${sig(anchor?.p99Ms)} ms (${p99?.toFixed(2)}×)`,
    ),
  ]
}

function throughput(results: BenchResults): GoalVerdict {
  const f = results.throughput?.figures
  const own = f?.[HEADLINE]
  const anchor = f?.['y-websocket']
  const ratio = quotient(own?.maxSustainedPerSecond, anchor?.maxSustainedPerSecond)
  const last = own?.steps.at(-1)
  const end =
    last === undefined
      ? ''
      : last.failure === 'p99'
        ? `Tandem's climb ended with p99 ${sig(last.p99Ms)} ms, server at ${pct(last.serverCpu)} of its core.`
        : `Tandem's climb ended with deliveries behind (${num(last.deliveredPerSecond)}/s of ${num(last.offeredPerSecond)}/s), server at ${pct(last.serverCpu)} of its core.`
  const floor = own?.loadLimited || own?.exhausted ? ' Tandem was not saturated: its figure is a floor.' : ''
  return ratioGoal(
    "Maximum sustained delivered updates per second at least 1.5x the y-websocket server's",
    ratio,
    1.5,
    'at least',
    `workload 2: ${num(own?.maxSustainedPerSecond)} vs ${num(anchor?.maxSustainedPerSecond)} delivered/s (${ratio?.toFixed(2)}×)`,
    `${end}${floor}`,
  )
}

function readers(results: BenchResults): GoalVerdict {
  const goal = 'One writer, 1,500 observers: p99 no more than Hocuspocus'
  const sizes = [...(results.readers?.byObservers.keys() ?? [])]
  if (sizes.length === 0) return notMeasured(goal)
  const observers = Math.max(...sizes)
  const figures = results.readers!.byObservers.get(observers)!
  const own = figures[HEADLINE]
  const anchor = figures.hocuspocus
  const ratio = quotient(own?.p99Ms, anchor?.p99Ms)
  const caveat =
    own && own.loadCpu >= 0.9 ? `The load generator was at ${pct(own.loadCpu)} of its core.` : undefined
  return ratioGoal(
    goal,
    ratio,
    1,
    'at most',
    `workload 3 with ${num(observers)} observers: p99 ${sig(own?.p99Ms)} ms vs Hocuspocus ${sig(anchor?.p99Ms)} ms`,
    caveat,
  )
}

function idleMemory(results: BenchResults): GoalVerdict {
  const f = results.idle?.figures
  const own = f?.[HEADLINE]?.kibPerConnection
  const relay = f?.relay?.kibPerConnection
  const ratio = quotient(own, relay)
  return ratioGoal(
    "Idle memory per connection no more than the bare relay's",
    ratio,
    1,
    'at most',
    `workload 5: ${num(own, 1)} KiB vs ${num(relay, 1)} KiB for the relay (${ratio?.toFixed(2)}×)`,
  )
}

function joinCost(results: BenchResults): GoalVerdict {
  const figures = results.join?.byDocument.get('large')
  const own = figures?.[HEADLINE]?.serverCpuMsPerJoin
  const anchor = figures?.['y-websocket']?.serverCpuMsPerJoin
  const ratio = quotient(own, anchor)
  return ratioGoal(
    "Joining the large document costs at most 0.2x the y-websocket server's CPU",
    ratio,
    0.2,
    'at most',
    `workload 6, server CPU per join of the ${num((results.join?.largeDocumentBytes ?? 0) / 1024 / 1024, 1)} MB document: ${sig(own)} ms vs ${sig(anchor)} ms (${ratio?.toFixed(2)}×)`,
  )
}

function reconnect(results: BenchResults): GoalVerdict[] {
  const f = results.reconnect?.figures
  const own = f?.[HEADLINE]
  const storm = quotient(own?.allSyncedMs, f?.relay?.allSyncedMs)
  const restart = quotient(own?.restartMs, f?.['y-websocket']?.restartMs)
  return [
    ratioGoal(
      `${num(results.reconnect?.clients ?? 1000)} clients reconnecting after a restart are all synced within 1.5x the bare relay's time`,
      storm,
      1.5,
      'at most',
      `workload 7: ${sig(own?.allSyncedMs)} ms vs ${sig(f?.relay?.allSyncedMs)} ms for the relay (${storm?.toFixed(2)}×), ${num(own?.failedAttempts)} failed attempts`,
    ),
    ratioGoal(
      "A restart (stop + start) no slower than the y-websocket server's",
      restart,
      1,
      'at most',
      `workload 7: ${sig(own?.restartMs)} ms vs ${sig(f?.['y-websocket']?.restartMs)} ms; the start alone ` +
        `${sig(own?.startMs)} vs ${sig(f?.['y-websocket']?.startMs)} ms`,
    ),
  ]
}

function persistenceCost(results: BenchResults): GoalVerdict {
  const f = results.persistence?.figures
  const share = quotient(f?.[HEADLINE]?.updatesPerSecond, f?.['tandem-memory']?.updatesPerSecond)
  return ratioGoal(
    'With persistence on, at least 90% of the in-memory ingest throughput',
    share,
    0.9,
    'at least',
    `workload 8: ${num(f?.[HEADLINE]?.updatesPerSecond)} vs ${num(f?.['tandem-memory']?.updatesPerSecond)} updates/s in memory (${pct(share)})`,
  )
}

/** Delivered shares at or above this count as "every entry" (the window's edges cut a few). */
const ALL_DELIVERED = 0.98

/**
 * Issue 17's presence goals: 1,000 users at 1 Hz fully delivered with at most 0.4 of a core and p99
 * within 150 ms; 2,500 users fully delivered under one core.
 */
function presenceGoal(
  results: BenchResults,
  users: number,
  maxCpu: number,
  maxP99Ms: number | null,
): GoalVerdict {
  const goal =
    `Presence at 1 Hz for ${num(users)} users in one room: every entry delivered, at most ${pct(maxCpu)} of a core` +
    (maxP99Ms === null ? '' : `, p99 at most ${maxP99Ms} ms`)
  const f = results.presence?.byUsers.get(users)?.[HEADLINE]
  if (!f) return notMeasured(goal, `workload 4 not run with ${num(users)} users`)
  const detail = `workload 4 with ${num(users)} users: server at ${pct(f.serverCpu)} of a core, ${pct(f.deliveredShare)} of entries delivered, p99 ${sig(f.p99Ms)} ms`
  const hocuspocus = results.presence?.byUsers.get(users)?.hocuspocus
  const anchor = hocuspocus
    ? `Hocuspocus: ${pct(hocuspocus.serverCpu)} of a core, ${pct(hocuspocus.deliveredShare)} delivered, p99 ${sig(hocuspocus.p99Ms)} ms.`
    : ''
  const loadNote = f.loadCpu >= 0.9 ? `The load generator was at ${pct(f.loadCpu)} of its core.` : ''
  const limit = [anchor, loadNote].filter(Boolean).join(' ') || undefined
  if (f.deliveredShare < ALL_DELIVERED) {
    return {
      goal,
      met: false,
      verdict: `missed: ${pct(1 - f.deliveredShare)} of entries not delivered`,
      detail,
      limit: `${limit ?? ''} ${hotAreas(results.profiles, '4')}`.trim(),
    }
  }
  const excess = Math.max(f.serverCpu / maxCpu - 1, maxP99Ms === null ? 0 : f.p99Ms / maxP99Ms - 1)
  if (excess <= 0) return { goal, met: true, verdict: 'met', detail, limit }
  return { goal, met: false, verdict: by(excess), detail, limit }
}

export function judgeGoals(results: BenchResults): GoalVerdict[] {
  return [
    ...fanout(results),
    throughput(results),
    readers(results),
    idleMemory(results),
    joinCost(results),
    ...reconnect(results),
    persistenceCost(results),
    presenceGoal(results, 1000, 0.4, 150),
    presenceGoal(results, 2500, 1, null),
  ]
}
