/**
 * What RedisRelay needs from a Redis deployment (one server or a cluster): binary pub/sub on
 * channels, and whether it currently works. StandaloneLink and ClusterLink implement it.
 */
import type { RedisOptions } from 'ioredis'

export interface PubSubLink {
  /** True while messages flow both ways: publishing works and every channel is subscribed. */
  readonly up: boolean
  /** Rejects if Redis did not take the message (connection lost, timeout). */
  publish(channel: string, payload: Uint8Array): Promise<void>
  /** Resolves once subscribed, or at once while down (the channel is subscribed when it comes back). */
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): Promise<void>
  /** Drops every connection; no hook is called afterwards. */
  close(): Promise<void>
}

export interface PubSubLinkHooks {
  onMessage(channel: string, payload: Buffer): void
  /** `up` may have changed. */
  onUpChange(): void
  /** A connection error or failed command; the link recovers by itself. */
  onError(error: Error, context: string): void
}

/** Upper bound of the reconnect back-off, so a node resyncs within about this long after Redis returns. */
export const RECONNECT_MAX_DELAY_MS = 1_000
const RECONNECT_STEP_MS = 100
/** A command without reply for this long fails, so nothing waits forever on a half-dead socket. */
export const COMMAND_TIMEOUT_MS = 5_000

/**
 * Options every relay connection shares. No offline queue: a command while disconnected fails at
 * once instead of piling up in memory. No automatic resubscribe or resend: the link resubscribes
 * itself so it knows when every channel is back, and stale publishes are dropped (rooms resync).
 */
export function relayConnectionOptions(connectionName: string): RedisOptions {
  return {
    connectionName,
    enableOfflineQueue: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_DELAY_MS),
  }
}

/** Wraps bytes as a Buffer without copying: ioredis sends Buffers as binary, strings as UTF-8. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
