/** One measurement window: latency and deliveries from the log, server CPU from /proc, our own CPU. */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerProcess } from '../contenders/ServerProcess'
import type { DeliveryLog, LatencySummary } from '../load/DeliveryLog'
import type { Interference, InterferenceLog } from './InterferenceLog'
import { OwnCpu } from './processStats'

export interface WindowFigures {
  readonly latency: LatencySummary
  /** CPU the server process(es) used during the window, ms. */
  readonly serverCpuMs: number
  readonly wallMs: number
  /** This (load-generating) process's CPU as a fraction of one core; near 1 means we were the limit. */
  readonly loadCpu: number
  /** Share of the server core and of the load core other processes on the machine took meanwhile. */
  readonly other: Interference
}

/** Records for `durationMs` and returns what happened meanwhile. */
export async function measureWindow(
  servers: readonly ServerProcess[],
  log: DeliveryLog,
  durationMs: number,
  interference: InterferenceLog,
): Promise<WindowFigures> {
  const own = new OwnCpu()
  const mark = interference.begin()
  const cpuBefore = servers.map((server) => server.stats.readCpu())
  const started = performance.now()
  own.start()
  log.start()
  await sleep(durationMs)
  const latency = log.stop()
  const wallMs = performance.now() - started
  const loadCpu = own.fraction()
  const serverCpuMs = servers.reduce((sum, server, i) => sum + server.stats.cpuSince(cpuBefore[i]!), 0)
  const other = interference.end(mark, serverCpuMs / wallMs, loadCpu)
  return { latency, serverCpuMs, wallMs, loadCpu, other }
}

/** Waits until no delivery arrived for `quietMs` (or `maxMs` passed): the servers' queues are drained. */
export async function waitForQuiet(log: DeliveryLog, quietMs: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs
  let last = log.totalDelivered
  let quietSince = performance.now()
  while (performance.now() < deadline) {
    await sleep(20)
    if (log.totalDelivered !== last) {
      last = log.totalDelivered
      quietSince = performance.now()
    } else if (performance.now() - quietSince >= quietMs) return
  }
}

/** Below this share of a core a server counts as idle (timers and heartbeats only). */
const IDLE_CPU_SHARE = 0.03

/**
 * Waits until the servers have been idle for `quietMs` (background work such as compaction has
 * finished), or `maxMs` passed, so the next measurement sees only its own cost.
 */
export async function waitForIdleServers(
  servers: readonly ServerProcess[],
  quietMs: number,
  maxMs: number,
): Promise<void> {
  const deadline = performance.now() + maxMs
  while (performance.now() < deadline) {
    const before = servers.map((server) => server.stats.readCpu())
    await sleep(quietMs)
    const used = servers.reduce((sum, server, i) => sum + server.stats.cpuSince(before[i]!), 0)
    if (used < IDLE_CPU_SHARE * quietMs) return
  }
}
