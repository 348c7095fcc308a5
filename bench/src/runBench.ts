/**
 * Runs the selected workloads against the selected contenders and collects their results; a
 * workload that fails is recorded and the run goes on.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { BenchContext, type CoreLayout } from './BenchContext'
import type { BenchOptions, WorkloadId } from './benchOptions'
import { contender, REPO_ROOT } from './contenders/contenders'
import type { BenchResults } from './report/BenchResults'
import { runFanout } from './workloads/fanout'
import { runIdleMemory } from './workloads/idleMemory'
import { runLargeDocumentJoin } from './workloads/largeDocumentJoin'
import { runThroughput } from './workloads/maxThroughput'
import { runReaders } from './workloads/oneWriterManyReaders'
import { runPersistenceAndRelay } from './workloads/persistenceAndRelay'
import { runPresence } from './workloads/presence'
import { profileTandem } from './workloads/profileTandem'
import { runReconnectStorm } from './workloads/reconnectStorm'

const STORE_DETAIL_SCRIPT = path.join(REPO_ROOT, 'bench/persistence.ts')
const STORE_DETAIL_TIMEOUT_MS = 240_000

/** bench/persistence.ts (store-level figures), run on the server core; null when absent or failing. */
async function runStoreDetail(ctx: BenchContext): Promise<string | null> {
  if (!ctx.options.storeDetail || !existsSync(STORE_DETAIL_SCRIPT)) return null
  const dir = path.join(ctx.tmpDir, 'store-detail')
  mkdirSync(dir, { recursive: true })
  const node = [process.execPath, '--import', 'tsx', STORE_DETAIL_SCRIPT, dir]
  const [command, ...args] = ctx.cores.serverCpus ? ['taskset', '-c', ctx.cores.serverCpus, ...node] : node
  try {
    const { stdout } = await promisify(execFile)(command!, args, {
      cwd: REPO_ROOT,
      timeout: STORE_DETAIL_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    return `bench/persistence.ts failed: ${(error as Error).message.split('\n')[0]}`
  }
}

type Runner = (ctx: BenchContext, results: BenchResults) => Promise<void>

const RUNNERS: Record<WorkloadId, Runner> = {
  1: async (ctx, r) => {
    r.fanout = await runFanout(ctx)
  },
  2: async (ctx, r) => {
    r.throughput = await runThroughput(ctx)
  },
  3: async (ctx, r) => {
    r.readers = await runReaders(ctx)
  },
  4: async (ctx, r) => {
    r.presence = await runPresence(ctx)
  },
  5: async (ctx, r) => {
    r.idle = await runIdleMemory(ctx)
  },
  6: async (ctx, r) => {
    r.join = await runLargeDocumentJoin(ctx)
  },
  7: async (ctx, r) => {
    r.reconnect = await runReconnectStorm(ctx)
  },
  8: async (ctx, r) => {
    r.persistence = await runPersistenceAndRelay(ctx, () => runStoreDetail(ctx))
  },
}

export interface RunBenchSettings {
  /** Pin this process and the servers to separate cores (off inside a test runner). */
  readonly pin: boolean
  readonly quiet: boolean
}

export interface BenchRun {
  readonly results: BenchResults
  readonly cores: CoreLayout
}

export async function runBench(options: BenchOptions, settings: RunBenchSettings): Promise<BenchRun> {
  const ctx = await BenchContext.create(options, settings)
  const results: BenchResults = { failures: [], startedAt: new Date() }
  const started = performance.now()
  try {
    for (const id of options.workloads) {
      ctx.progress(`workload ${id}`)
      try {
        await RUNNERS[id](ctx, results)
      } catch (error) {
        ctx.progress(`workload ${id} failed: ${(error as Error).stack}`)
        results.failures.push({ workload: String(id), message: (error as Error).message })
      }
    }
    // The first Tandem variant listed is profiled (tandem-sqlite in a full run).
    const profiled = options.contenders.find((id) => id.startsWith('tandem-'))
    if (options.profile && profiled) {
      try {
        results.profiles = await profileTandem(ctx, contender(profiled))
      } catch (error) {
        results.failures.push({ workload: 'profile', message: (error as Error).message })
      }
    }
  } finally {
    results.durationMs = performance.now() - started
    results.interference = ctx.interference.summary()
    await ctx.dispose()
  }
  return { results, cores: ctx.cores }
}
