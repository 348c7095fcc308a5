/**
 * Benchmark sizes and switches, read once from the command line and BENCH_* environment variables.
 * Defaults are sized for a full run of about ten minutes on 2 cores; `--smoke` shrinks everything to
 * seconds and writes no RESULTS.md.
 */
import { CONTENDER_IDS, type ContenderId } from './contenders/contenders'

export const WORKLOAD_IDS = [1, 2, 3, 4, 5, 6, 7, 8] as const
export type WorkloadId = (typeof WORKLOAD_IDS)[number]

export interface BenchOptions {
  readonly smoke: boolean
  readonly writeResults: boolean
  readonly workloads: readonly WorkloadId[]
  readonly contenders: readonly ContenderId[]
  /** Repetitions of the cheap workloads (1 and 7); medians are reported. */
  readonly repetitions: number
  /** Write a CPU profile of Tandem under workload 1 and name its hot functions. */
  readonly profile: boolean
  /** BENCH_CPU_PROF_DIR: every server started writes a --cpu-prof profile under it (summarizeProfiles.ts). */
  readonly cpuProfileDir: string | undefined
  /** Also run bench/persistence.ts (store-level figures; about 2 minutes) in workload 8: BENCH_STORE_DETAIL=1. */
  readonly storeDetail: boolean
  readonly fanout: {
    readonly rooms: number
    readonly clientsPerRoom: number
    readonly updatesPerSecond: number
    readonly warmupMs: number
    readonly measureMs: number
  }
  readonly throughput: {
    readonly rooms: number
    readonly clientsPerRoom: number
    /** Per-client update rates to step through, until p99 passes the limit or delivery falls behind. */
    readonly rates: readonly number[]
    readonly warmupMs: number
    readonly measureMs: number
    readonly p99LimitMs: number
  }
  readonly readers: {
    readonly observers: readonly number[]
    readonly updatesPerSecond: number
    readonly warmupMs: number
    readonly measureMs: number
  }
  readonly presence: {
    readonly users: readonly number[]
    /** Receivers that time every presence entry (all others just take delivery). */
    readonly timedReceivers: number
    readonly warmupMs: number
    readonly measureMs: number
    /** The crowd: readers who only watch, typists who type and move their caret. */
    readonly crowdReaders: number
    readonly crowdTypists: number
    /** Keystrokes (each with a caret move) per typist per second. */
    readonly crowdTypingRate: number
  }
  readonly idle: {
    readonly connections: number
    readonly clientsPerRoom: number
    /** Pause before reading memory, so connection set-up garbage can be collected. */
    readonly settleMs: number
    /** VmRSS readings per measurement (the median is used). */
    readonly rssSamples: number
  }
  readonly join: {
    readonly typingUpdates: number
    readonly largeDocumentBytes: number
    readonly sequentialJoins: number
    /** Join storm on the typing document. */
    readonly stormClients: number
    /**
     * Join storm on the large document: smaller by default, because the anchors re-encode the whole
     * document for every joiner and 150 joiners would take minutes of the run's ten.
     */
    readonly largeStormClients: number
    /** Taking a version of the large document: typing rows in the log for the second figure. */
    readonly versionLogRows: number
    /** Versions taken per figure (the median is reported). */
    readonly versionRuns: number
  }
  readonly reconnect: {
    readonly clients: number
    readonly clientsPerRoom: number
    readonly deadlineMs: number
  }
  readonly persistence: {
    readonly rooms: number
    readonly window: number
    readonly warmupMs: number
    readonly measureMs: number
  }
  readonly crossNode: {
    readonly rooms: number
    readonly observersPerNode: number
    readonly warmupMs: number
    readonly measureMs: number
  }
}

type Env = Readonly<Record<string, string | undefined>>

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}: expected a positive number, got ${raw}`)
  return value
}

function list(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  return raw.split(',').map((part) => int({ [name]: part.trim() }, name, 0))
}

function pick<T extends string | number>(
  raw: string | undefined,
  all: readonly T[],
  name: string,
): readonly T[] {
  if (raw === undefined || raw === '') return all
  const wanted = raw.split(',').map((part) => part.trim())
  const chosen = all.filter((item) => wanted.includes(String(item)))
  if (chosen.length !== wanted.length) throw new Error(`${name}: pick from ${all.join(', ')}; got ${raw}`)
  return chosen
}

/** Reads options from argv (`--smoke`) and the environment (see bench/README.md for every variable). */
export function readBenchOptions(argv: readonly string[], env: Env): BenchOptions {
  // `npm run bench -- --smoke` at the root reaches the workspace script as npm's own flag: npm_config_smoke.
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1' || env.npm_config_smoke === 'true'
  const s = (full: number, tiny: number) => (smoke ? tiny : full)
  return {
    smoke,
    writeResults: !smoke && env.BENCH_WRITE !== '0',
    workloads: pick(env.BENCH_WORKLOADS, WORKLOAD_IDS, 'BENCH_WORKLOADS'),
    contenders: pick(env.BENCH_CONTENDERS, CONTENDER_IDS, 'BENCH_CONTENDERS'),
    repetitions: int(env, 'BENCH_REPS', s(3, 1)),
    profile: !smoke && env.BENCH_PROFILE !== '0',
    storeDetail: !smoke && env.BENCH_STORE_DETAIL === '1',
    cpuProfileDir: env.BENCH_CPU_PROF_DIR || undefined,
    fanout: {
      rooms: int(env, 'BENCH_FANOUT_ROOMS', s(50, 3)),
      clientsPerRoom: int(env, 'BENCH_FANOUT_CLIENTS', s(10, 3)),
      updatesPerSecond: int(env, 'BENCH_FANOUT_RATE', 2),
      // Long enough for the JIT to settle on a fresh server: with 1 s, 15% of Tandem's CPU in the window
      // was V8's optimizing compiler (4% of the y-websocket server's; perf, issue 16), a cost a server
      // that has been up a while no longer pays.
      warmupMs: int(env, 'BENCH_FANOUT_WARMUP_MS', s(5000, 100)),
      // 10 s: Hocuspocus + SQLite stores each document at most every 10 s while typing goes on, so a
      // window of that length holds one such store per room whenever it opens; a shorter one held one
      // or none by chance.
      measureMs: int(env, 'BENCH_MEASURE_MS', s(10_000, 300)),
    },
    throughput: {
      rooms: int(env, 'BENCH_THROUGHPUT_ROOMS', s(50, 2)),
      clientsPerRoom: int(env, 'BENCH_THROUGHPUT_CLIENTS', s(10, 3)),
      rates: list(env, 'BENCH_THROUGHPUT_RATES', smoke ? [10] : [4, 8, 14, 16, 18, 20, 24, 28, 34, 40, 56]),
      warmupMs: s(700, 100),
      measureMs: s(2500, 300),
      p99LimitMs: 100,
    },
    readers: {
      observers: list(env, 'BENCH_READERS', smoke ? [5] : [150, 1500]),
      updatesPerSecond: int(env, 'BENCH_READERS_RATE', 10),
      warmupMs: s(500, 100),
      measureMs: s(4000, 300),
    },
    presence: {
      users: list(env, 'BENCH_PRESENCE_USERS', smoke ? [5] : [250, 1000, 2500]),
      timedReceivers: s(25, 2),
      warmupMs: s(1500, 100),
      measureMs: s(3000, 400),
      crowdReaders: int(env, 'BENCH_CROWD_READERS', s(5000, 10)),
      crowdTypists: int(env, 'BENCH_CROWD_TYPISTS', s(20, 2)),
      crowdTypingRate: int(env, 'BENCH_CROWD_RATE', 2),
    },
    idle: {
      connections: int(env, 'BENCH_IDLE_CONNECTIONS', s(5000, 20)),
      clientsPerRoom: 10,
      settleMs: s(2000, 100),
      rssSamples: s(5, 1),
    },
    join: {
      typingUpdates: int(env, 'BENCH_JOIN_UPDATES', s(20_000, 200)),
      largeDocumentBytes: int(env, 'BENCH_JOIN_DOC_BYTES', s(5 * 1024 * 1024, 20_000)),
      sequentialJoins: s(10, 2),
      stormClients: int(env, 'BENCH_JOIN_STORM', s(150, 5)),
      largeStormClients: int(env, 'BENCH_JOIN_STORM_LARGE', s(30, 3)),
      versionLogRows: s(1000, 20),
      versionRuns: s(3, 1),
    },
    reconnect: {
      clients: int(env, 'BENCH_RECONNECT_CLIENTS', s(1000, 10)),
      clientsPerRoom: 10,
      deadlineMs: 30_000,
    },
    persistence: { rooms: s(50, 2), window: 20, warmupMs: s(500, 100), measureMs: s(3000, 300) },
    crossNode: { rooms: s(10, 1), observersPerNode: s(5, 1), warmupMs: s(500, 100), measureMs: s(4000, 300) },
  }
}
