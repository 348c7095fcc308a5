/**
 * Connects many clients, either paced (setting up a workload) or all at once (a storm), retrying
 * failed attempts with the stock y-websocket client's backoff: 200 ms doubling to 2.5 s, no jitter.
 */
import type { BenchClient } from './BenchClient'

/** y-websocket's reconnect delay after `failures` unsuccessful attempts in a row. */
function stockBackoffMs(failures: number): number {
  return Math.min(100 * 2 ** failures, 2500)
}

export interface ConnectOptions {
  /** Attempts in flight at once; Infinity for a storm. */
  readonly concurrency: number
  /** Give up on clients not synced by then (ms after the start). */
  readonly deadlineMs: number
}

export interface ConnectOutcome {
  /** Time from the start until each client was synced, in ms (clients that never synced are left out). */
  readonly syncedAfterMs: number[]
  /** Failed attempts (refused, reset, closed before synced); each was retried after the backoff. */
  readonly failedAttempts: number
  /** Clients still not synced at the deadline. */
  readonly unsynced: number
}

/** Connects every client; resolves when all are synced or the deadline passed. Never rejects. */
export async function connectClients(
  clients: readonly BenchClient[],
  options: ConnectOptions,
): Promise<ConnectOutcome> {
  const started = performance.now()
  const deadline = started + options.deadlineMs
  const syncedAfterMs: number[] = []
  let failedAttempts = 0
  let unsynced = 0
  let next = 0

  const connectOne = async (client: BenchClient): Promise<void> => {
    for (let failures = 0; ; ) {
      try {
        await client.connect()
        syncedAfterMs.push(performance.now() - started)
        return
      } catch {
        failedAttempts++
        failures++
        client.terminate()
        const delay = stockBackoffMs(failures)
        if (performance.now() + delay > deadline) {
          unsynced++
          return
        }
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  const lane = async (): Promise<void> => {
    while (next < clients.length) await connectOne(clients[next++]!)
  }
  const lanes = Math.min(clients.length, options.concurrency)
  await Promise.all(Array.from({ length: lanes }, lane))
  return { syncedAfterMs, failedAttempts, unsynced }
}

/** Closes every client and waits for the close handshakes. */
export async function closeClients(clients: readonly BenchClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()))
}
