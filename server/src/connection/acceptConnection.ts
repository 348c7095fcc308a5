/**
 * Takes an upgraded socket into its room. The message listener is attached before the first await,
 * so frames sent while the room loads are buffered (within a limit) and handled in order afterwards.
 */
import { CLOSE_CODES } from '@tandem/shared'
import type { RawData, WebSocket } from 'ws'
import type { Logger } from '../logger'
import type { ErrorPath, Metrics } from '../metrics'
import type { RoomRegistry } from '../rooms/RoomRegistry'
import { Connection, type ConnectionIdentity } from './Connection'
import type { ConnectionLimits } from './ConnectionLimits'
import { handleFrame } from './handleFrame'
import { InboundLimiter, type InboundLimits } from './InboundLimiter'

export interface AcceptOptions {
  readonly room: string
  readonly identity: ConnectionIdentity
  readonly wantsSavedAcks: boolean
  readonly registry: RoomRegistry
  readonly connections: Set<Connection>
  readonly maxBufferedBytes: number
  readonly awarenessQueryIntervalMs: number
  /** Most bytes a client may send before its room has loaded. */
  readonly maxEarlyBytes: number
  /** Counted from here until the socket closes. */
  readonly limits: ConnectionLimits
  readonly inbound: InboundLimits
  readonly metrics: Metrics
  readonly logger: Logger
}

function frameLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  return data.byteLength
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}

export function acceptConnection(ws: WebSocket, options: AcceptOptions): Connection {
  const { metrics, logger, registry } = options
  const connection = new Connection(ws, {
    roomName: options.room,
    identity: options.identity,
    wantsSavedAcks: options.wantsSavedAcks,
    maxBufferedBytes: options.maxBufferedBytes,
    awarenessQueryIntervalMs: options.awarenessQueryIntervalMs,
    metrics,
    logger,
  })
  options.connections.add(connection)
  options.limits.add(options.room)
  metrics.connections.inc()
  const limiter = new InboundLimiter(options.inbound)

  /**
   * An error that escapes a socket's event handler or the accept chain would end the process
   * (uncaught exception, unhandled rejection) and drop every room on the node: it closes only this
   * socket (1011), logged and counted by path.
   */
  const fail = (path: ErrorPath, error: unknown) => {
    metrics.countInternalError(path)
    logger.error({ room: options.room, user: options.identity.userId, err: error, path }, 'connection failed')
    connection.close(CLOSE_CODES.INTERNAL_ERROR)
  }

  ws.on('message', (data, isBinary) => {
    try {
      handleMessage(data, isBinary)
    } catch (error) {
      fail('frame', error)
    }
  })
  const handleMessage = (data: RawData, isBinary: boolean) => {
    const state = connection.state
    // Once we started closing a socket (bad frame, limit, storage failure), nothing more it sends counts.
    if (ws.readyState !== ws.OPEN) return
    const verdict = limiter.admit(frameLength(data))
    if (verdict !== 'ok') {
      metrics.countLimit(verdict)
      connection.close(CLOSE_CODES.RATE_LIMITED, verdict)
      return
    }
    if (!isBinary) {
      // y-websocket only ever sends binary frames.
      connection.close(CLOSE_CODES.MALFORMED_MESSAGE)
      return
    }
    const frame = toBytes(data)
    if (state.kind === 'open') handleFrame(connection, state.room, frame, metrics, logger)
    else if (state.kind === 'joining') {
      state.earlyBytes += frame.byteLength
      if (state.earlyBytes > options.maxEarlyBytes) {
        metrics.countLimit('early-bytes')
        connection.close(CLOSE_CODES.RATE_LIMITED, 'early-bytes')
      } else state.early.push(frame)
    }
  }
  ws.on('error', (error) => logger.debug({ err: error, room: options.room }, 'socket error'))
  ws.on('close', (code) => {
    options.connections.delete(connection)
    options.limits.remove(options.room)
    metrics.connections.dec()
    metrics.closes.labels(String(code)).inc()
    try {
      connection.markClosed()?.detach(connection)
    } catch (error) {
      metrics.countInternalError('close')
      logger.error({ room: options.room, err: error }, 'detaching a closed connection failed')
    }
  })

  registry
    .acquire(options.room)
    .then(
      (room) => {
        const state = connection.state
        if (state.kind !== 'joining') {
          registry.releaseIfIdle(room)
          return
        }
        connection.state = { kind: 'open', room }
        room.attach(connection)
        for (const frame of state.early) {
          if (connection.state.kind !== 'open' || ws.readyState !== ws.OPEN) break
          handleFrame(connection, room, frame, metrics, logger)
        }
      },
      (error: unknown) => {
        logger.error({ room: options.room, err: error }, 'room failed to load')
        connection.close(CLOSE_CODES.ROOM_LOAD_FAILED)
      },
    )
    .catch((error: unknown) => fail('accept', error))
  return connection
}
