/** Everything one run measured, workload by workload (absent when a workload was not run or failed). */
import type { Interference } from '../measure/InterferenceLog'
import type { FanoutResult } from '../workloads/fanout'
import type { IdleResult } from '../workloads/idleMemory'
import type { JoinResult } from '../workloads/largeDocumentJoin'
import type { ThroughputResult } from '../workloads/maxThroughput'
import type { ReadersResult } from '../workloads/oneWriterManyReaders'
import type { PersistenceResult } from '../workloads/persistenceAndRelay'
import type { PresenceResult } from '../workloads/presence'
import type { ProfiledRun } from '../workloads/profileTandem'
import type { ReconnectResult } from '../workloads/reconnectStorm'

export interface BenchResults {
  fanout?: FanoutResult
  throughput?: ThroughputResult
  readers?: ReadersResult
  presence?: PresenceResult
  idle?: IdleResult
  join?: JoinResult
  reconnect?: ReconnectResult
  persistence?: PersistenceResult
  profiles?: ProfiledRun[]
  /** Workloads that threw: their section says so instead of showing figures. */
  readonly failures: { readonly workload: string; readonly message: string }[]
  readonly startedAt: Date
  durationMs?: number
  /** Other processes' share of our pinned cores over all measurement windows. */
  interference?: { mean: Interference; worst: Interference; windows: number }
}
