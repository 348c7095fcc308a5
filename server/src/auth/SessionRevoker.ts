/**
 * Ends the sessions of a revoked share key, or of a deleted document, on every node: locally at once,
 * on other nodes through the relay's control room, and (keys) by re-checking the store whenever the
 * relay may have missed one. A deleted document's keys are revoked with it, so the re-check also
 * ends its key sessions while the relay is down (with 4403 instead of 4410).
 */
import { CLOSE_CODES } from '@tandem/shared'
import type { Connection } from '../connection/Connection'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { CONTROL_ROOM, type Relay, type RelayEnvelope } from '../relay/Relay'
import type { ShareKeyStatus } from './ShareKeyStatus'

/** While the relay is down, revocations made on other nodes are found by asking the store this often. */
export const REVALIDATE_INTERVAL_MS = 1000

export interface SessionRevokerOptions {
  readonly connections: ReadonlySet<Connection>
  readonly status: ShareKeyStatus
  readonly relay: Relay | undefined
  readonly metrics: Metrics
  readonly logger: Logger
}

/** How a session learned that its key was revoked (the `via` label of tandem_sessions_revoked_total). */
export type RevocationSource = 'local' | 'relay' | 'recheck'

export class SessionRevoker {
  private sweepTimer: NodeJS.Timeout | undefined
  private sweeping = false
  private stopped = false
  private removeStateListener: (() => void) | undefined

  constructor(private readonly options: SessionRevokerOptions) {}

  /**
   * Listens for revocations from other nodes. Until the relay is connected, and whenever it drops,
   * live sessions are re-checked against the store every REVALIDATE_INTERVAL_MS instead.
   */
  async start(): Promise<void> {
    const { relay } = this.options
    if (relay === undefined) return
    this.removeStateListener = relay.onStateChange((state) => {
      if (state === 'connected') {
        this.stopSweeping()
        // Revocations published while we were cut off never arrive: look them up once.
        this.sweep()
      } else this.startSweeping()
    })
    if (relay.state !== 'connected') this.startSweeping()
    await relay.subscribe(CONTROL_ROOM, (envelope) => this.handleControl(envelope))
  }

  stop(): void {
    this.stopped = true
    this.stopSweeping()
    this.removeStateListener?.()
  }

  /** A key of this node's store was just revoked: refuse it here, close its sessions, tell the other nodes. */
  revoke(documentId: string, keyId: string): void {
    this.options.status.markRevoked(documentId, keyId)
    this.closeSessions(documentId, keyId, 'local')
    this.options.relay?.publish(CONTROL_ROOM, { kind: 'revoke', documentId, keyId })
  }

  /** A document of this node's store was just deleted: close its sessions here and on the other nodes. */
  closeDocument(documentId: string): void {
    this.options.status.markDocumentDeleted(documentId)
    this.closeDocumentSessions(documentId, 'local')
    this.options.relay?.publish(CONTROL_ROOM, { kind: 'delete-document', documentId })
  }

  private handleControl({ from, message }: RelayEnvelope): void {
    if (message.kind === 'delete-document') {
      this.options.logger.debug({ from, documentId: message.documentId }, 'document deleted on another node')
      this.options.status.markDocumentDeleted(message.documentId)
      this.closeDocumentSessions(message.documentId, 'relay')
      return
    }
    if (message.kind !== 'revoke') return
    this.options.logger.debug(
      { from, documentId: message.documentId, keyId: message.keyId },
      'key revoked on another node',
    )
    this.options.status.markRevoked(message.documentId, message.keyId)
    this.closeSessions(message.documentId, message.keyId, 'relay')
  }

  private closeSessions(documentId: string, keyId: string, via: RevocationSource): void {
    for (const connection of this.options.connections) {
      if (connection.documentId !== documentId || connection.identity.shareKeyId !== keyId) continue
      connection.close(CLOSE_CODES.FORBIDDEN, 'share key revoked')
      this.options.metrics.sessionsRevoked.labels(via).inc()
    }
  }

  private closeDocumentSessions(documentId: string, via: RevocationSource): void {
    for (const connection of this.options.connections) {
      // A document's comments room too: its sessions rest on the same keys.
      if (connection.documentId !== documentId) continue
      connection.close(CLOSE_CODES.DOCUMENT_DELETED, 'document deleted')
      this.options.metrics.sessionsRevoked.labels(via).inc()
    }
  }

  private startSweeping(): void {
    if (this.sweepTimer !== undefined || this.stopped) return
    this.sweepTimer = setInterval(() => this.sweep(), REVALIDATE_INTERVAL_MS)
    this.sweepTimer.unref()
  }

  private stopSweeping(): void {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
  }

  /** Re-checks every key that live sessions were opened with; one lookup per key, not per session. */
  private sweep(): void {
    if (this.sweeping || this.stopped) return
    const keys = new Map<string, { documentId: string; keyId: string }>()
    for (const connection of this.options.connections) {
      const keyId = connection.identity.shareKeyId
      if (keyId !== undefined && connection.isOpen) {
        keys.set(`${connection.documentId} ${keyId}`, { documentId: connection.documentId, keyId })
      }
    }
    if (keys.size === 0) return
    this.sweeping = true
    const checks = [...keys.values()].map(async ({ documentId, keyId }) => {
      if (!(await this.options.status.isActive(documentId, keyId))) {
        this.closeSessions(documentId, keyId, 'recheck')
      }
    })
    Promise.all(checks)
      .catch((error: unknown) => {
        // The store is failing; sessions stay until it answers again (the next sweep or reconnect).
        this.options.logger.warn({ err: error }, 'could not re-check share keys of live sessions')
      })
      .finally(() => {
        this.sweeping = false
      })
  }
}
