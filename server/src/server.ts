/**
 * Assembles one Tandem node: HTTP + WebSocket upgrade -> connections -> rooms -> commit queue to
 * the store, whose committed batches the relay carries to other nodes. Everything is passed down; nothing is global.
 */
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { CLOSE_CODES, documentOfCommentsRoom } from '@tandem/shared'
import { WebSocketServer } from 'ws'
import { CommentRateLimit } from './comments/CommentRateLimit'
import { CommentsUpdateCheck } from './comments/CommentsUpdateCheck'
import { MirrorRebuildBudget } from './comments/MirrorRebuildBudget'
import type { Config } from './config'
import type { Connection } from './connection/Connection'
import { ConnectionAcceptor } from './connection/ConnectionAcceptor'
import { ConnectionLimits } from './connection/ConnectionLimits'
import { startHeartbeat } from './connection/heartbeat'
import { WireFrames } from './connection/WireFrames'
import { clientAddress } from './http/clientAddress'
import { RateLimiter } from './http/RateLimiter'
import { type ApiHandler, createRequestHandler, type ReadinessCheck } from './http/requestHandler'
import { type Authenticate, createUpgradeHandler, createUpgradeProbe } from './http/upgrade'
import { createLogger, type Logger } from './logger'
import { Metrics } from './metrics'
import { type CommitListener, CommitQueue } from './persistence/CommitQueue'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Relay } from './relay/Relay'
import { relayCommitted } from './relay/relayCommitted'
import { RoomRegistry } from './rooms/RoomRegistry'

export interface TandemServerParts {
  /** Pass one in when other parts (the relay's observer) report into it too. */
  readonly metrics?: Metrics
  readonly store: DocumentStore
  readonly authenticate: Authenticate
  readonly relay?: Relay
  /** Builds the /api handler from the node's rooms (the content API reads and edits through them). */
  readonly api?: (rooms: RoomRegistry) => ApiHandler
  /** Serves signed image URLs (`/uploads/*`). */
  readonly uploads?: ApiHandler
  readonly logger?: Logger
  /**
   * Hears every committed batch (after the relay) and is closed on shutdown once the rooms are
   * released, before the store: the webhooks' change tracker, which must write what it holds.
   */
  readonly documentEvents?: { readonly onCommitted: CommitListener; close(): Promise<void> }
  /**
   * Version history's recorder: hears every committed batch and is closed on shutdown once the
   * rooms are released, before the store, taking the versions still pending.
   */
  readonly history?: { readonly onCommitted: CommitListener; close(): Promise<void> }
}

export interface TandemServer {
  readonly config: Config
  readonly store: DocumentStore
  readonly metrics: Metrics
  readonly rooms: RoomRegistry
  readonly connections: ReadonlySet<Connection>
  /** Connection counts per node and room, as the upgrade checks them. */
  readonly connectionLimits: ConnectionLimits
  readonly httpServer: Server
  /** Starts listening; resolves with the bound port (useful with PORT=0). */
  listen(): Promise<number>
  /** Graceful shutdown: refuse new work, close sockets with 1012, flush, close the store. */
  close(): Promise<void>
}

const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../client/dist', import.meta.url))
/**
 * Node checks request and header timeouts on a timer (default every 30 s, which would let a stalled
 * upgrade live 40 s with a 10 s timeout); checking this often keeps the overshoot small.
 */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1000

export function createTandemServer(config: Config, parts: TandemServerParts): TandemServer {
  const logger = parts.logger ?? createLogger(config.logLevel)
  const metrics = parts.metrics ?? new Metrics()
  const { store, relay } = parts
  const commits = createCommitQueue(store, metrics, logger)
  if (relay) commits.onCommitted(relayCommitted(relay))
  if (parts.documentEvents) commits.onCommitted(parts.documentEvents.onCommitted)
  if (parts.history) commits.onCommitted(parts.history.onCommitted)
  // One budget and one rate limiter for the server, so unloading and reloading a comments room
  // (or reconnecting to it) resets neither.
  const mirrorRebuilds = new MirrorRebuildBudget()
  const commentRate = new CommentRateLimit()
  const rooms = new RoomRegistry({
    store,
    commits,
    relay,
    metrics,
    logger,
    compactThresholdRows: config.compactThresholdRows,
    compactThresholdBytes: config.compactThresholdBytes,
    maxDocumentBytes: config.maxDocumentBytes,
    maxAwarenessBytes: config.maxAwarenessBytes,
    maxAwarenessClientsPerConnection: config.maxAwarenessClientsPerConnection,
    maxRoomPresence: config.maxRoomPresence,
    presenceWindowMaxMs: config.presenceWindowMaxMs,
    maxPendingBytes: config.maxPendingBytes,
    updateCheckFor: (name) =>
      documentOfCommentsRoom(name) === undefined
        ? undefined
        : new CommentsUpdateCheck({ room: name, rebuilds: mirrorRebuilds, rate: commentRate }),
  })
  const connections = new Set<Connection>()
  const connectionLimits = new ConnectionLimits(config.maxConnections, config.maxRoomConnections)
  let accepting = true

  if (relay) metrics.relayConnected.set(relay.state === 'connected' ? 1 : 0)
  relay?.onStateChange((state) => {
    metrics.relayConnected.set(state === 'connected' ? 1 : 0)
    logger.warn({ state }, 'relay connection changed')
    // After an outage, peers may hold edits we missed and vice versa: exchange state for every room.
    if (state === 'connected') for (const room of rooms.openRooms) room.requestPeerState()
  })

  const readiness: ReadinessCheck[] = [
    () => ({ name: 'accepting', ok: accepting, detail: 'shutting down' }),
    () => ({ name: 'storage', ok: store.isHealthy(), detail: 'storage failing' }),
  ]
  if (relay) readiness.push(() => ({ name: 'redis', ok: relay.state === 'connected', detail: relay.state }))

  // One allowance of refused upgrades per address, spent by upgrades and upgrade probes alike.
  const upgradeRefusals = new RateLimiter({
    capacity: config.upgradeRefusalBurst,
    refillPerSecond: config.upgradeRefusalsPerSecond,
  })
  const upgradeClientAddress = clientAddress(config.trustProxy)
  const staticDir = config.staticDir ?? (existsSync(DEFAULT_STATIC_DIR) ? DEFAULT_STATIC_DIR : undefined)
  // Slow or stalled clients must not hold a request (or an upgrade) open forever: 408 after the timeout.
  const httpServer = createServer(
    {
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      connectionsCheckingInterval: Math.min(
        MAX_TIMEOUT_CHECK_INTERVAL_MS,
        Math.ceil(config.httpHeadersTimeoutMs / 4),
      ),
    },
    createRequestHandler({
      metrics,
      logger,
      readiness,
      api: parts.api?.(rooms),
      uploads: parts.uploads,
      probeUpgrade: createUpgradeProbe({
        authenticate: parts.authenticate,
        logger,
        refusalLimiter: upgradeRefusals,
        clientAddress: upgradeClientAddress,
      }),
      staticDir,
      embedOrigins: config.embedOrigins,
    }),
  )

  const acceptor = new ConnectionAcceptor({
    registry: rooms,
    connections,
    maxBufferedBytes: config.maxBufferedBytes,
    awarenessQueryIntervalMs: config.awarenessQueryIntervalMs,
    maxEarlyBytes: config.maxMessageBytes,
    limits: connectionLimits,
    inbound: {
      messagesPerSecond: config.maxMessagesPerSecond,
      messagesBurst: config.maxMessagesBurst,
      bytesPerSecond: config.maxBytesPerSecond,
      bytesBurst: config.maxBytesBurst,
    },
    metrics,
    logger,
    frames: new WireFrames(),
  })
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxMessageBytes,
    clientTracking: false,
  })
  const handleUpgrade = createUpgradeHandler({
    wss,
    authenticate: parts.authenticate,
    metrics,
    logger,
    isAccepting: () => accepting,
    limits: connectionLimits,
    refusalLimiter: upgradeRefusals,
    clientAddress: upgradeClientAddress,
    onConnection: (ws, socket, target) => acceptor.accept(ws, socket, target),
  })
  // The handler catches its own refusals; this is for what it did not foresee: a rejection here
  // would end the process, so only this request's socket goes.
  httpServer.on('upgrade', (request, socket, head) => {
    handleUpgrade(request, socket, head).catch((error: unknown) => {
      metrics.countInternalError('upgrade')
      logger.error({ err: error }, 'upgrade failed unexpectedly')
      socket.destroy()
    })
  })

  let stopHeartbeat: (() => void) | undefined

  return {
    config,
    store,
    metrics,
    rooms,
    connections,
    connectionLimits,
    httpServer,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject)
        httpServer.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
          httpServer.off('error', reject)
          stopHeartbeat = startHeartbeat(connections, config.heartbeatIntervalMs, metrics)
          resolve((httpServer.address() as AddressInfo).port)
        })
      }),
    close: async () => {
      if (!accepting) return
      accepting = false
      stopHeartbeat?.()
      acceptor.stop()
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()))
      httpServer.closeIdleConnections()
      // Rooms emptied by the detaches below are released without compacting.
      rooms.beginShutdown()
      for (const connection of connections) {
        // Detach now so frames still in flight are not applied to a room that is unloading.
        const room = connection.markClosed()
        connection.close(CLOSE_CODES.SERVICE_RESTART)
        room?.detach(connection)
      }
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs)
      })
      const drained = (async () => {
        await commits.flush()
        await rooms.releaseAll()
        await parts.history?.close()
        await parts.documentEvents?.close()
        await relay?.close()
        await store.close()
      })()
      const outcome = await Promise.race([drained.then(() => 'done' as const), deadline])
      clearTimeout(timer)
      if (outcome === 'timeout')
        logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown deadline passed')
      for (const connection of connections) connection.ws.terminate()
      httpServer.closeAllConnections()
      await closed
    },
  }
}

/** The node's commit queue, reporting into its metrics and log. */
function createCommitQueue(store: DocumentStore, metrics: Metrics, logger: Logger): CommitQueue {
  return new CommitQueue(store, {
    onAppendTimed: (seconds) => metrics.storeAppendSeconds.observe(seconds),
    onAppendFailed: (error, updates) => {
      metrics.storeFailures.labels('append').inc()
      logger.error({ err: error, updates }, 'group commit failed')
    },
    onListenerFailed: (error) => {
      metrics.countInternalError('commit')
      logger.error({ err: error }, 'a listener of committed updates failed')
    },
  })
}
