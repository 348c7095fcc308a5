/** Prometheus metrics of one server instance (its own registry, so several servers can share a process). */

import type { MessageKind } from '@tandem/shared'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { RelayObserver } from './relay/Relay'

export type Direction = 'in' | 'out'

/** The limits that refuse or close a client, as the `limit` label of tandem_limit_refusals_total. */
export const LIMIT_NAMES = [
  'message-rate',
  'byte-rate',
  'early-bytes',
  'node-connections',
  'room-connections',
  'document-size',
  'awareness-size',
  'backpressure',
  'upgrade-refusals',
  'awareness-clients',
  'room-presence',
  'pending-updates',
  'comments',
] as const
export type LimitName = (typeof LIMIT_NAMES)[number]

/** Where an unexpected error was caught (and only its socket closed), as the `path` label. */
export const ERROR_PATHS = [
  'upgrade',
  'accept',
  'frame',
  'close',
  'awareness',
  'commit',
  'heartbeat',
  'expiry',
] as const
export type ErrorPath = (typeof ERROR_PATHS)[number]

/** What a connection tried to write under an id another connection owns, as the `kind` label. */
export const FORGED_KINDS = ['update', 'awareness'] as const
export type ForgedKind = (typeof FORGED_KINDS)[number]

export class Metrics {
  readonly registry = new Registry()
  readonly connections = new Gauge({
    name: 'tandem_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  })
  /** Of `connections`, those of comments rooms (each open document in the app has one of each). */
  readonly commentConnections = new Gauge({
    name: 'tandem_comment_connections',
    help: 'Open WebSocket connections to comments rooms (included in tandem_connections)',
    registers: [this.registry],
  })
  readonly rooms = new Gauge({
    name: 'tandem_rooms',
    help: 'Rooms loaded in memory',
    registers: [this.registry],
  })
  /**
   * Every frame in and out is counted, several per delivered update: the hot path adds to plain
   * tallies (countMessage) and a scrape folds them in, since a labelled prom-client increment
   * hashes its labels each time (two per send were ~2.5% of the server's CPU under fan-out).
   */
  private readonly messageTallies: Record<Direction, Map<string, MessageTally>> = {
    in: new Map(),
    out: new Map(),
  }
  readonly messages: Counter<'direction' | 'type'> = new Counter({
    name: 'tandem_messages_total',
    help: 'WebSocket messages by direction and type',
    labelNames: ['direction', 'type'] as const,
    registers: [this.registry],
    collect: () => this.foldMessageTallies(),
  })
  readonly bytes: Counter<'direction' | 'type'> = new Counter({
    name: 'tandem_message_bytes_total',
    help: 'WebSocket message bytes by direction and type',
    labelNames: ['direction', 'type'] as const,
    registers: [this.registry],
    collect: () => this.foldMessageTallies(),
  })
  readonly closes = new Counter({
    name: 'tandem_closes_total',
    help: 'Connections closed, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  })
  readonly upgradesRefused = new Counter({
    name: 'tandem_upgrades_refused_total',
    help: 'WebSocket upgrades refused, by HTTP status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  })
  readonly droppedViewerWrites = new Counter({
    name: 'tandem_viewer_writes_dropped_total',
    help: 'Sync step 2 and update messages from viewers that were dropped',
    registers: [this.registry],
  })
  readonly limitRefusals = new Counter({
    name: 'tandem_limit_refusals_total',
    help: 'Upgrades refused, updates refused or sockets closed because a limit was reached, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  })
  readonly storedUpdatesSkipped = new Counter({
    name: 'tandem_stored_updates_skipped_total',
    help: 'Stored updates Yjs could not apply while loading a room (skipped, logged, left in storage)',
    registers: [this.registry],
  })
  readonly versionsRefused = new Counter({
    name: 'tandem_versions_refused_total',
    help: "Automatic versions not taken because the document's automatic versions are full and pruning would break the retention floor (logged)",
    registers: [this.registry],
  })
  readonly layoutMigrations = new Counter({
    name: 'tandem_layout_migrations_total',
    help: 'Documents moved from the V1 to the V2 Lexical layout on load, by result (failed: room refused, nothing changed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  })
  readonly layoutMigrationSeconds = new Histogram({
    name: 'tandem_layout_migration_seconds',
    help: 'Time to compute one layout migration (blocks the event loop; once per document)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })
  readonly internalErrors = new Counter({
    name: 'tandem_internal_errors_total',
    help: 'Unexpected errors caught on a socket, room or commit path (the socket concerned closed with 1011), by path',
    labelNames: ['path'] as const,
    registers: [this.registry],
  })
  readonly forgedWrites = new Counter({
    name: 'tandem_forged_writes_total',
    help: 'Updates (sender closed 4409) and presence entries (dropped) under a client id another connection owns',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly awarenessQueriesCoalesced = new Counter({
    name: 'tandem_awareness_queries_coalesced_total',
    help: 'Query-awareness messages answered by a later, shared reply because they came too fast',
    registers: [this.registry],
  })
  readonly presenceEntries = new Counter({
    name: 'tandem_presence_entries_total',
    help: 'Presence entries taken in, by source (connection, relay), before the room merges them into windows',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly presenceWindows = new Histogram({
    name: 'tandem_presence_window_seconds',
    help: 'How long each presence window stayed open before its changes went out as one frame per socket',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  })
  readonly presenceWindowEntries = new Histogram({
    name: 'tandem_presence_window_entries',
    help: 'Presence entries carried by one window frame',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 1000],
    registers: [this.registry],
  })
  readonly handlerSeconds = new Histogram({
    name: 'tandem_message_handler_seconds',
    help: 'Time to handle one inbound message',
    labelNames: ['type'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
    registers: [this.registry],
  })
  private readonly handlerChildren = new Map<string, Histogram.Internal<'type'>>()
  readonly storeAppendSeconds = new Histogram({
    name: 'tandem_store_append_seconds',
    help: 'Time to durably append one group-committed batch',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
    registers: [this.registry],
  })
  readonly storeFailures = new Counter({
    name: 'tandem_store_failures_total',
    help: 'Failed loads and appends',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  })

  readonly relayMessages = new Counter({
    name: 'tandem_relay_messages_total',
    help: 'Messages relayed between nodes, by direction and kind (dropped: not sent while disconnected)',
    labelNames: ['direction', 'kind'] as const,
    registers: [this.registry],
  })
  readonly relayBytes = new Counter({
    name: 'tandem_relay_bytes_total',
    help: 'Bytes relayed between nodes, by direction',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  })
  readonly relayLagSeconds = new Histogram({
    name: 'tandem_relay_lag_seconds',
    help: 'Publish-to-receive time of relayed messages (wall clocks of two nodes)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  })
  readonly relayConnected = new Gauge({
    name: 'tandem_relay_connected',
    help: '1 while the Redis relay is connected, 0 otherwise (absent on a single node)',
    registers: [this.registry],
  })
  readonly sessionsRevoked = new Counter({
    name: 'tandem_sessions_revoked_total',
    help: 'Sessions closed (4403) because their share key was revoked, by how this node learned it (local, relay, recheck)',
    labelNames: ['via'] as const,
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
  }

  /** Counts one refusal or close caused by `limit`. */
  countLimit(limit: LimitName): void {
    this.limitRefusals.labels(limit).inc()
  }

  /** Counts one unexpected error caught on `path`. */
  countInternalError(path: ErrorPath): void {
    this.internalErrors.labels(path).inc()
  }

  countMessage(direction: Direction, type: MessageKind | 'keepalive', byteLength: number, copies = 1): void {
    const tallies = this.messageTallies[direction]
    let tally = tallies.get(type)
    if (!tally) {
      tally = { direction, type, messages: 0, bytes: 0 }
      tallies.set(type, tally)
    }
    tally.messages += copies
    tally.bytes += byteLength * copies
  }

  /** Times one inbound message (tandem_message_handler_seconds), through a child kept per type. */
  observeHandler(type: string, seconds: number): void {
    let child = this.handlerChildren.get(type)
    if (!child) {
      child = this.handlerSeconds.labels(type)
      this.handlerChildren.set(type, child)
    }
    child.observe(seconds)
  }

  /** Moves the tallies into the two counters (at every scrape, before either is read). */
  private foldMessageTallies(): void {
    for (const tally of [...this.messageTallies.in.values(), ...this.messageTallies.out.values()]) {
      if (tally.messages === 0) continue
      this.messages.labels(tally.direction, tally.type).inc(tally.messages)
      this.bytes.labels(tally.direction, tally.type).inc(tally.bytes)
      tally.messages = 0
      tally.bytes = 0
    }
  }
}

interface MessageTally {
  readonly direction: Direction
  readonly type: MessageKind | 'keepalive'
  messages: number
  bytes: number
}

/** Feeds the relay's observer callbacks into the relay metrics. */
export function relayObserver(metrics: Metrics): RelayObserver {
  return {
    onPublish: (kind, bytes) => {
      metrics.relayMessages.labels('out', kind).inc()
      metrics.relayBytes.labels('out').inc(bytes)
    },
    onDrop: (kind) => metrics.relayMessages.labels('dropped', kind).inc(),
    onReceive: (kind, bytes, lagMs) => {
      metrics.relayMessages.labels('in', kind).inc()
      metrics.relayBytes.labels('in').inc(bytes)
      metrics.relayLagSeconds.observe(lagMs / 1000)
    },
  }
}
