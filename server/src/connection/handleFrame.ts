/** Turns one inbound frame into a room call; a bad frame closes only its own socket. */
import { CLOSE_CODES, encodePermissionDenied, MalformedMessageError, readMessage } from '@tandem/shared'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { ClientIdInUseError } from '../rooms/ClientIdOwners'
import { LimitExceededError } from '../rooms/LimitExceededError'
import { InvalidUpdateError, type Room } from '../rooms/Room'
import type { Connection } from './Connection'

export function handleFrame(
  connection: Connection,
  room: Room,
  frame: Uint8Array,
  metrics: Metrics,
  logger: Logger,
): void {
  let type = 'malformed'
  const started = performance.now()
  try {
    const message = readMessage(frame)
    type = message.type
    metrics.countMessage('in', message.type, frame.byteLength)
    switch (message.type) {
      case 'sync-step1':
        room.handleSyncStep1(connection, message.stateVector)
        break
      case 'sync-step2':
      case 'sync-update':
        // Read-only is enforced here, whatever bytes a viewer crafts: never applied, stored or relayed.
        if (!connection.canWrite) {
          metrics.droppedViewerWrites.inc()
          break
        }
        room.handleClientUpdate(connection, message.update)
        break
      case 'awareness':
        room.handleAwareness(connection, message.update)
        break
      case 'query-awareness': {
        // At most one answer per AWARENESS_QUERY_INTERVAL_MS per socket; the rest coalesce into it.
        const verdict = connection.answerQuery(() => {
          if (connection.state.kind !== 'open' || connection.state.room !== room) return
          try {
            room.sendPresenceTo(connection)
          } catch (error) {
            metrics.countInternalError('awareness')
            logger.error({ room: room.name, err: error }, 'answering a presence query failed')
            connection.close(CLOSE_CODES.INTERNAL_ERROR)
          }
        })
        if (verdict === 'coalesced') metrics.awarenessQueriesCoalesced.inc()
        break
      }
      case 'auth':
      case 'saved':
        // Server-to-client messages; a client sending them is harmless and ignored.
        break
      default:
        message satisfies never
    }
  } catch (error) {
    if (error instanceof MalformedMessageError || error instanceof InvalidUpdateError) {
      logger.info(
        { room: room.name, user: connection.identity.userId, reason: error.message },
        'malformed frame',
      )
      connection.close(CLOSE_CODES.MALFORMED_MESSAGE)
    } else if (error instanceof ClientIdInUseError) {
      metrics.forgedWrites.labels('update').inc()
      logger.info(
        { room: room.name, user: connection.identity.userId, reason: error.message },
        'update under a client id another connection owns',
      )
      connection.send(encodePermissionDenied(error.message), 'auth')
      connection.close(CLOSE_CODES.CLIENT_ID_IN_USE)
    } else if (error instanceof LimitExceededError) {
      metrics.countLimit(error.limit)
      logger.info(
        { room: room.name, user: connection.identity.userId, reason: error.message },
        'limit exceeded',
      )
      // y-protocols' auth message first: the stock client logs the reason before it sees the close.
      connection.send(encodePermissionDenied(error.message), 'auth')
      connection.close(error.closeCode)
    } else {
      metrics.countInternalError('frame')
      logger.error(
        { room: room.name, user: connection.identity.userId, err: error },
        'handling a frame failed',
      )
      connection.close(CLOSE_CODES.INTERNAL_ERROR)
    }
  } finally {
    metrics.observeHandler(type, (performance.now() - started) / 1000)
  }
}
