/**
 * Takes upgraded sockets into their rooms. The message listener is attached before the first await,
 * so frames sent while the room loads are buffered (within a limit) and handled in order afterwards.
 *
 * Per-connection memory (issue 16): every socket of the node shares one set of listener functions,
 * which find their connection from the socket they are called on, one expiry timer and one settings
 * object (these options); a socket holds no closures or timers of its own.
 */

import type { Duplex } from 'node:stream'
import { CLOSE_CODES, documentOfCommentsRoom } from '@tandem/shared'
import type { RawData, WebSocket } from 'ws'
import type { ErrorPath } from '../metrics'
import type { RoomRegistry } from '../rooms/RoomRegistry'
import { Connection, type ConnectionSettings, type ConnectionTarget } from './Connection'
import type { ConnectionLimits } from './ConnectionLimits'
import { ExpirySchedule } from './ExpirySchedule'
import { handleFrame } from './handleFrame'

/** What every connection of a node shares; also each connection's settings (one object for all). */
export interface AcceptorOptions extends ConnectionSettings {
  readonly registry: RoomRegistry
  readonly connections: Set<Connection>
  /** Most bytes a client may send before its room has loaded. */
  readonly maxEarlyBytes: number
  /** Counted from here until the socket closes. */
  readonly limits: ConnectionLimits
}

function frameLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  return data.byteLength
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}

export class ConnectionAcceptor {
  /** Socket -> its connection, for the shared listeners (`this` in a ws listener is the socket). */
  private readonly accepted = new WeakMap<WebSocket, Connection>()
  /** Closes sockets whose token expired (4401), on one timer for the node. */
  private readonly expiries: ExpirySchedule<Connection>
  private readonly onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void
  private readonly onPong: (this: WebSocket) => void
  private readonly onError: (this: WebSocket, error: Error) => void
  private readonly onClose: (this: WebSocket, code: number) => void

  constructor(private readonly options: AcceptorOptions) {
    const { accepted } = this
    this.expiries = new ExpirySchedule({
      items: options.connections,
      expiresAtMs: (connection) => connection.identity.expiresAtMs,
      onExpired: (connection) => connection.close(CLOSE_CODES.TOKEN_EXPIRED),
      onError: (error, connection) => this.fail(connection, 'expiry', error),
    })
    // Plain functions, not arrows: ws calls listeners with the socket as `this`.
    const acceptor = this
    this.onMessage = function onMessage(data, isBinary) {
      const connection = accepted.get(this)
      if (!connection) return
      try {
        acceptor.handleMessage(connection, data, isBinary)
      } catch (error) {
        acceptor.fail(connection, 'frame', error)
      }
    }
    this.onPong = function onPong() {
      const connection = accepted.get(this)
      if (connection) connection.isAlive = true
    }
    this.onError = function onError(error) {
      options.logger.debug({ err: error, room: accepted.get(this)?.roomName }, 'socket error')
    }
    this.onClose = function onClose(code) {
      const connection = accepted.get(this)
      if (connection) acceptor.handleClose(connection, code)
    }
  }

  /**
   * Attaches the socket to its connection and starts joining its room. `socket` is the upgraded
   * socket `ws` runs on (see Connection).
   */
  accept(ws: WebSocket, socket: Duplex, target: ConnectionTarget): Connection {
    const { metrics, logger, registry } = this.options
    const connection = new Connection(ws, socket, target, this.options)
    this.accepted.set(ws, connection)
    this.options.connections.add(connection)
    this.options.limits.add(target.room)
    metrics.connections.inc()
    if (documentOfCommentsRoom(target.room) !== undefined) metrics.commentConnections.inc()
    if (target.identity.expiresAtMs !== null) this.expiries.expectBy(target.identity.expiresAtMs)
    ws.on('message', this.onMessage)
    ws.on('pong', this.onPong)
    ws.on('error', this.onError)
    ws.on('close', this.onClose)

    registry
      .acquire(target.room)
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
          logger.error({ room: target.room, err: error }, 'room failed to load')
          connection.close(CLOSE_CODES.ROOM_LOAD_FAILED)
        },
      )
      .catch((error: unknown) => this.fail(connection, 'accept', error))
    return connection
  }

  /** Stops the expiry timer (the node is shutting down; its sockets are being closed). */
  stop(): void {
    this.expiries.stop()
  }

  private handleMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const { ws, state } = connection
    const { metrics, logger } = this.options
    // Once we started closing a socket (bad frame, limit, storage failure), nothing more it sends counts.
    if (ws.readyState !== ws.OPEN) return
    const verdict = connection.inbound.admit(frameLength(data))
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
      if (state.earlyBytes > this.options.maxEarlyBytes) {
        metrics.countLimit('early-bytes')
        connection.close(CLOSE_CODES.RATE_LIMITED, 'early-bytes')
      } else state.early.push(frame)
    }
  }

  private handleClose(connection: Connection, code: number): void {
    const { metrics, logger } = this.options
    this.accepted.delete(connection.ws)
    this.options.connections.delete(connection)
    this.options.limits.remove(connection.roomName)
    metrics.connections.dec()
    if (documentOfCommentsRoom(connection.roomName) !== undefined) metrics.commentConnections.dec()
    metrics.closes.labels(String(code)).inc()
    try {
      connection.markClosed()?.detach(connection)
    } catch (error) {
      metrics.countInternalError('close')
      logger.error({ room: connection.roomName, err: error }, 'detaching a closed connection failed')
    }
  }

  /**
   * An error that escapes a socket's event handler or the accept chain would end the process
   * (uncaught exception, unhandled rejection) and drop every room on the node: it closes only this
   * socket (1011), logged and counted by path.
   */
  private fail(connection: Connection, path: ErrorPath, error: unknown): void {
    this.options.metrics.countInternalError(path)
    this.options.logger.error(
      { room: connection.roomName, user: connection.identity.userId, err: error, path },
      'connection failed',
    )
    connection.close(CLOSE_CODES.INTERNAL_ERROR)
  }
}
