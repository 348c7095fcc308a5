/**
 * Where Tandem's CPU goes: reruns the fan-out workload (and presence at its largest size) against
 * a Tandem variant started with --cpu-prof, and names the hottest functions and areas.
 */
import { mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { BenchContext } from '../BenchContext'
import type { Contender } from '../contenders/contenders'
import type { ServerProcess } from '../contenders/ServerProcess'
import { type ProfileSummary, summarizeCpuProfiles } from '../measure/cpuProfile'
import { num, pct, table } from '../report/markdown'
import { runFanoutOnce } from './fanout'
import { runPresenceOnce } from './presence'

export interface ProfiledRun {
  readonly workload: string
  /** Label of the Tandem variant profiled. */
  readonly contender: string
  readonly summary: ProfileSummary
}

async function profile(
  ctx: BenchContext,
  tandem: Contender,
  name: string,
  workload: (server: ServerProcess) => Promise<unknown>,
): Promise<ProfiledRun> {
  const dir = path.join(ctx.tmpDir, `profile-${name.replace(/\W+/g, '-')}`)
  mkdirSync(dir, { recursive: true })
  const server = await ctx.startServer(tandem, { cpuProfileDir: dir })
  try {
    await workload(server)
  } finally {
    // The profile is written when the process exits, so only a graceful stop produces one.
    await server.stop()
  }
  // One file per thread: the main thread and any compaction workers.
  const files = readdirSync(dir)
    .filter((entry) => entry.endsWith('.cpuprofile'))
    .map((entry) => path.join(dir, entry))
  if (files.length === 0) throw new Error(`no CPU profile written for ${name}`)
  return { workload: name, contender: tandem.label, summary: summarizeCpuProfiles(files) }
}

export async function profileTandem(ctx: BenchContext, tandem: Contender): Promise<ProfiledRun[]> {
  const runs: ProfiledRun[] = []
  const { rooms, clientsPerRoom, updatesPerSecond } = ctx.options.fanout
  runs.push(
    await profile(
      ctx,
      tandem,
      `1 fan-out (${rooms} x ${clientsPerRoom} at ${updatesPerSecond}/s)`,
      (server) => runFanoutOnce(ctx, server, 'profile'),
    ),
  )
  const users = Math.max(...ctx.options.presence.users)
  if (ctx.options.workloads.includes(4)) {
    runs.push(
      await profile(ctx, tandem, `4 presence (${users} users)`, (server) =>
        runPresenceOnce(ctx, server, users),
      ),
    )
  }
  for (const run of runs) ctx.progress(`profile ${run.workload}: ${num(run.summary.busyMs)} ms busy`)
  return runs
}

export function renderProfiles(runs: readonly ProfiledRun[]): string {
  return runs
    .map(({ workload, contender: label, summary }) => {
      const busy = summary.busyMs + summary.idleMs
      const functions = summary.functions.map((spot) => [
        `\`${spot.name}\``,
        spot.location ? `\`${spot.location}\`` : '',
        spot.via ? `\`${spot.via}\`` : '',
        num(spot.selfMs),
        pct(spot.share),
      ])
      const areas = summary.areas.map((spot) => [spot.name, num(spot.selfMs), pct(spot.share)])
      return [
        `#### ${label} under workload ${workload}`,
        '',
        `${num(summary.busyMs)} ms busy of ${num(busy)} ms profiled (connection set-up and teardown included). ` +
          'Self time; shares are of the busy time. A native call counts while the thread waits in it, ' +
          'so `sqliteTransaction` includes the fsync of each group commit, which blocks the event loop.',
        '',
        table(['function', 'where', 'reached from (Tandem code)', 'self ms', 'share'], functions, 3),
        '',
        table(['area', 'self ms', 'share'], areas),
      ].join('\n')
    })
    .join('\n\n')
}
