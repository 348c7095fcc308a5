/**
 * The goals of issues 9 and 17, judged against this run's figures: met, or missed by how much, and what the
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

function cpuPerDelivered(results: BenchResults): GoalVerdict {
  const goal =
    "Server CPU per delivered message no more than the bare relay's, with Yjs and durable storage on"
  const f = results.fanout?.figures
  const tandem = f?.[HEADLINE]?.serverCpuMsPer1000
  const relay = f?.relay?.serverCpuMsPer1000
  if (tandem === undefined || relay === undefined) return notMeasured(goal)
  const detail = `workload 1: ${num(tandem, 2)} ms per 1,000 delivered vs ${num(relay, 2)} ms for the relay (${(tandem / relay).toFixed(2)}×)`
  if (tandem <= relay) return { goal, met: true, verdict: 'met', detail }
  return {
    goal,
    met: false,
    verdict: by(tandem / relay - 1),
    detail,
    limit: hotAreas(results.profiles, '1').trim(),
  }
}

function throughput(results: BenchResults): GoalVerdict[] {
  const goalMax = "Maximum sustained throughput at least the bare relay's"
  const goalP99 = 'p99 latency below both anchors at every load they sustain'
  const f = results.throughput?.figures
  const tandem = f?.[HEADLINE]
  const relay = f?.relay
  const verdicts: GoalVerdict[] = []
  if (!tandem || !relay) verdicts.push(notMeasured(goalMax))
  else {
    const t = tandem.maxSustainedPerSecond
    const r = relay.maxSustainedPerSecond
    const caveat =
      relay.loadLimited || relay.exhausted
        ? ' The relay was not saturated (load generator limit), so its figure is a floor.'
        : ''
    const detail = `workload 2: ${num(t)} delivered/s sustained vs ${num(r)} for the relay (${(t / r).toFixed(2)}×)`
    if (caveat && (tandem.loadLimited || tandem.exhausted)) {
      verdicts.push({
        goal: goalMax,
        met: null,
        verdict: 'not decided',
        detail,
        limit: 'Neither Tandem nor the relay reached its limit before the load generator did.',
      })
    } else if (t >= r) {
      verdicts.push({ goal: goalMax, met: true, verdict: 'met', detail, limit: caveat.trim() || undefined })
    } else {
      const last = tandem.steps.at(-1)
      const end =
        last?.failure === 'p99'
          ? `p99 ${sig(last.p99Ms)} ms`
          : `deliveries behind (${num(last?.deliveredPerSecond)}/s of ${num(last?.offeredPerSecond)}/s)`
      verdicts.push({
        goal: goalMax,
        met: false,
        verdict: by(1 - t / r),
        detail,
        limit: `Tandem's climb ended with ${end}, server at ${pct(last?.serverCpu)} of its core.${caveat}${hotAreas(results.profiles, '1')}`,
      })
    }
  }
  if (!tandem) {
    verdicts.push(notMeasured(goalP99))
    return verdicts
  }
  const misses: { text: string; ratio: number }[] = []
  let compared = 0
  for (const anchor of ['y-websocket', 'hocuspocus'] as const) {
    for (const step of f?.[anchor]?.steps ?? []) {
      if (!step.passed) continue
      const own = tandem.steps.find((s) => s.offeredPerSecond === step.offeredPerSecond)
      compared++
      if (!own || !(own.p99Ms < step.p99Ms)) {
        misses.push({
          text: `${num(step.offeredPerSecond)}/s: ${sig(own?.p99Ms)} ms vs ${anchor} ${sig(step.p99Ms)} ms`,
          ratio: own ? own.p99Ms / step.p99Ms : Number.POSITIVE_INFINITY,
        })
      }
    }
  }
  const oneF = results.fanout?.figures
  const fixed = oneF?.[HEADLINE]
  const fixedAnchors = [oneF?.['y-websocket']?.p99Ms, oneF?.hocuspocus?.p99Ms].filter((v) => v !== undefined)
  if (fixed && fixedAnchors.length > 0) {
    compared++
    const best = Math.min(...fixedAnchors)
    if (!(fixed.p99Ms < best)) {
      misses.push({
        text: `workload 1: ${sig(fixed.p99Ms)} ms vs ${sig(best)} ms`,
        ratio: fixed.p99Ms / best,
      })
    }
  }
  const memory = results.fanout?.figures['tandem-memory']?.p99Ms
  const detail = `${compared - misses.length} of ${compared} loads below both anchors`
  if (compared === 0) verdicts.push(notMeasured(goalP99, 'no anchor load to compare'))
  else if (misses.length === 0) verdicts.push({ goal: goalP99, met: true, verdict: 'met', detail })
  else {
    verdicts.push({
      goal: goalP99,
      met: false,
      verdict: `missed at ${misses.length} of ${compared} loads`,
      detail: `${detail}; worst: ${misses
        .toSorted((a, b) => b.ratio - a.ratio)
        .slice(0, 3)
        .map((miss) => miss.text)
        .join('; ')}`,
      limit:
        memory !== undefined
          ? `Tandem (memory) has p99 ${sig(memory)} ms in workload 1: the durable commit (SQLite fsync before an update is released) is in every delivery's path.`
          : undefined,
    })
  }
  return verdicts
}

function idleMemory(results: BenchResults): GoalVerdict {
  const goal = "Idle memory per connection no more than the bare relay's"
  const f = results.idle?.figures
  const tandem = f?.[HEADLINE]?.kibPerConnection
  const relay = f?.relay?.kibPerConnection
  if (tandem === undefined || relay === undefined) return notMeasured(goal)
  const detail = `workload 5: ${num(tandem, 1)} KiB vs ${num(relay, 1)} KiB for the relay (${(tandem / relay).toFixed(2)}×)`
  if (tandem <= relay) return { goal, met: true, verdict: 'met', detail }
  return { goal, met: false, verdict: by(tandem / relay - 1), detail }
}

function joinCost(results: BenchResults): GoalVerdict {
  const goal = "Joining a large document costs at most 0.3x the y-websocket server's server CPU"
  const perJoin = (kind: 'typing' | 'large') => {
    const figures = results.join?.byDocument.get(kind)
    const t = figures?.[HEADLINE]?.serverCpuMsPerJoin
    const y = figures?.['y-websocket']?.serverCpuMsPerJoin
    return t === undefined || y === undefined ? undefined : { t, y, ratio: t / y }
  }
  const large = perJoin('large')
  const typing = perJoin('typing')
  if (!large) return notMeasured(goal)
  const detail =
    `workload 6, server CPU per join of the ${num((results.join?.largeDocumentBytes ?? 0) / 1024 / 1024, 1)} MB ` +
    `document: ${sig(large.t)} ms vs ${sig(large.y)} ms (${large.ratio.toFixed(2)}×)`
  const small = typing
    ? `On the 20 KiB typing document a join costs ${typing.ratio.toFixed(2)}× the y-websocket server's ` +
      '(the upgrade, token check and handshake dominate there, not the encoding).'
    : undefined
  if (large.ratio <= 0.3) return { goal, met: true, verdict: 'met', detail, limit: small }
  return {
    goal,
    met: false,
    verdict: by(large.ratio / 0.3 - 1),
    detail,
    limit: [
      'Each joiner gets a fresh copy of the cached state in a new frame (encodeSyncStep2 copies it twice);',
      'the garbage collector then dominates a join.',
      small,
    ]
      .filter(Boolean)
      .join(' '),
  }
}

function reconnect(results: BenchResults): GoalVerdict {
  const goal = "1,000 clients reconnecting after a restart are all synced within 1.2x the bare relay's time"
  const f = results.reconnect?.figures
  const tandem = f?.[HEADLINE]
  const relay = f?.relay
  if (!tandem || !relay) return notMeasured(goal)
  const detail = `workload 7 (${num(results.reconnect?.clients)} clients): ${sig(tandem.allSyncedMs)} ms vs ${sig(relay.allSyncedMs)} ms for the relay (${(tandem.allSyncedMs / relay.allSyncedMs).toFixed(2)}×), ${num(tandem.failedAttempts)} failed attempts`
  const bound = relay.allSyncedMs * 1.2
  if (tandem.allSyncedMs <= bound) return { goal, met: true, verdict: 'met', detail }
  return { goal, met: false, verdict: by(tandem.allSyncedMs / bound - 1), detail }
}

function readers(results: BenchResults): GoalVerdict {
  const goal = 'One writer, 1,500 observers: p99 under 44 ms on these 2 cores'
  const sizes = [...(results.readers?.byObservers.keys() ?? [])]
  if (sizes.length === 0) return notMeasured(goal)
  const observers = Math.max(...sizes)
  const f = results.readers!.byObservers.get(observers)![HEADLINE]
  if (!f) return notMeasured(goal)
  const detail = `workload 3 with ${num(observers)} observers: p99 ${sig(f.p99Ms)} ms (p50 ${sig(f.p50Ms)} ms)`
  const caveat = f.loadCpu >= 0.9 ? `The load generator was at ${pct(f.loadCpu)} of its core.` : undefined
  if (f.p99Ms < 44) return { goal, met: true, verdict: 'met', detail, limit: caveat }
  return { goal, met: false, verdict: by(f.p99Ms / 44 - 1), detail, limit: caveat }
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
    cpuPerDelivered(results),
    ...throughput(results),
    idleMemory(results),
    joinCost(results),
    reconnect(results),
    readers(results),
    presenceGoal(results, 1000, 0.4, 150),
    presenceGoal(results, 2500, 1, null),
  ]
}
