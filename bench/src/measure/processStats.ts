/** CPU time and resident memory of another process, read from /proc (Linux only). */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux we run on, asked once. */
function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

/** Two views of a process's CPU time so far, in ms. */
export interface CpuReading {
  /** utime + stime of the whole process: 10 ms ticks, but keeps the time of threads that exited. */
  readonly processMs: number
  /** Sum of the live threads' run time (schedstat): nanosecond precision, loses exited threads. */
  readonly threadsMs: number
}

/** A gap this much larger than tick rounding means a thread exited between two readings. */
const EXITED_THREAD_SLACK_MS = 30

/** Reads CPU and memory of one process id. */
export class ProcessStats {
  private readonly msPerTick = 1000 / readClockTicks()

  constructor(readonly pid: number) {}

  readCpu(): CpuReading {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const processMs = (Number(fields[11]) + Number(fields[12])) * this.msPerTick
    let threadsNs = 0
    for (const task of readdirSync(`/proc/${this.pid}/task`)) {
      try {
        threadsNs += Number(readFileSync(`/proc/${this.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
      } catch {
        // the thread exited while we listed them
      }
    }
    return { processMs, threadsMs: threadsNs / 1e6 }
  }

  /** CPU used between two readings, in ms, as precisely as the readings allow. */
  static cpuBetween(before: CpuReading, after: CpuReading): number {
    const precise = after.threadsMs - before.threadsMs
    const coarse = after.processMs - before.processMs
    return coarse - precise > EXITED_THREAD_SLACK_MS ? coarse : precise
  }

  /** CPU used since `before`, in ms. */
  cpuSince(before: CpuReading): number {
    return ProcessStats.cpuBetween(before, this.readCpu())
  }

  /** Resident set size in KiB (VmRSS). */
  rssKiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const match = /VmRSS:\s+(\d+) kB/.exec(status)
    if (!match) throw new Error(`no VmRSS for pid ${this.pid}`)
    return Number(match[1])
  }
}

/** CPU used by this process between `start()` and `stop()`, as a fraction of one core. */
export class OwnCpu {
  private startUsage = process.cpuUsage()
  private startMs = performance.now()

  start(): void {
    this.startUsage = process.cpuUsage()
    this.startMs = performance.now()
  }

  /** Fraction of one core used since `start()` (1 = a full core). */
  fraction(): number {
    const used = process.cpuUsage(this.startUsage)
    const wallMs = performance.now() - this.startMs
    return wallMs > 0 ? (used.user + used.system) / 1000 / wallMs : 0
  }
}
