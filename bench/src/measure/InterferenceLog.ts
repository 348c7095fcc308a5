/**
 * How busy the pinned cores were with other processes during each measurement window: the machine
 * is shared, and a server that gets half its core measures slower than it is.
 */
import { readFileSync } from 'node:fs'

/** Busy and total jiffies of one core, from /proc/stat. */
interface CoreTimes {
  readonly busy: number
  readonly total: number
}

function readCoreTimes(core: number): CoreTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${core} `))
    if (!line) return null
    // user nice system idle iowait irq softirq steal ...
    const fields = line.trim().split(/\s+/).slice(1).map(Number)
    const total = fields.reduce((sum, value) => sum + value, 0)
    // Soft interrupts are mostly loopback packet processing for our own sockets: not interference.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0) + (fields[6] ?? 0)
    return { busy: total - idle, total }
  } catch {
    return null
  }
}

function busyBetween(before: CoreTimes | null, after: CoreTimes | null): number {
  if (!before || !after || after.total === before.total) return Number.NaN
  return (after.busy - before.busy) / (after.total - before.total)
}

/** Share of a core other processes used during one window. */
export interface Interference {
  readonly serverCore: number
  readonly loadCore: number
}

export interface InterferenceMark {
  readonly server: CoreTimes | null
  readonly load: CoreTimes | null
}

export class InterferenceLog {
  private readonly windows: Interference[] = []

  /** Core numbers, or undefined when processes are not pinned (nothing is recorded then). */
  constructor(
    private readonly serverCore: number | undefined,
    private readonly loadCore: number | undefined,
  ) {}

  begin(): InterferenceMark {
    return {
      server: this.serverCore === undefined ? null : readCoreTimes(this.serverCore),
      load: this.loadCore === undefined ? null : readCoreTimes(this.loadCore),
    }
  }

  /** Closes a window in which our server(s) and this process used the given shares of their cores. */
  end(mark: InterferenceMark, serverCpu: number, loadCpu: number): Interference {
    const serverBusy =
      this.serverCore === undefined ? Number.NaN : busyBetween(mark.server, readCoreTimes(this.serverCore))
    const loadBusy =
      this.loadCore === undefined ? Number.NaN : busyBetween(mark.load, readCoreTimes(this.loadCore))
    const other = {
      serverCore: Math.max(0, serverBusy - serverCpu),
      loadCore: Math.max(0, loadBusy - loadCpu),
    }
    if (Number.isFinite(serverBusy)) this.windows.push(other)
    return other
  }

  /** Mean and worst interference over every window so far (undefined when nothing was recorded). */
  summary(): { mean: Interference; worst: Interference; windows: number } | undefined {
    if (this.windows.length === 0) return undefined
    const mean = (read: (i: Interference) => number) =>
      this.windows.reduce((sum, i) => sum + read(i), 0) / this.windows.length
    const worst = (read: (i: Interference) => number) => Math.max(...this.windows.map(read))
    return {
      mean: { serverCore: mean((i) => i.serverCore), loadCore: mean((i) => i.loadCore) },
      worst: { serverCore: worst((i) => i.serverCore), loadCore: worst((i) => i.loadCore) },
      windows: this.windows.length,
    }
  }
}
