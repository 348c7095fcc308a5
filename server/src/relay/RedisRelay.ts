/** The Relay over Redis pub/sub (one server or a cluster): one channel per room, own echoes dropped. */
import { ClusterLink } from './ClusterLink'
import type { PubSubLink, PubSubLinkHooks } from './PubSubLink'
import type { Relay, RelayEnvelope, RelayLogger, RelayMessage, RelayObserver, RelayState } from './Relay'
import { RelayDispatcher } from './RelayDispatcher'
import type { RedisTarget } from './redisTarget'
import { decodeRelayEnvelope, encodeRelayEnvelope } from './relayCodec'
import { StandaloneLink } from './StandaloneLink'

export const RELAY_CHANNEL_PREFIX = 'tandem:'

/** `tandem:{room}`: the hash tag makes the room name alone pick the cluster slot. */
export function relayChannel(room: string): string {
  return `${RELAY_CHANNEL_PREFIX}{${room}}`
}

function roomOfChannel(channel: string): string | undefined {
  const head = `${RELAY_CHANNEL_PREFIX}{`
  return channel.startsWith(head) && channel.endsWith('}') ? channel.slice(head.length, -1) : undefined
}

export interface RedisRelayOptions {
  /** One server, or a cluster (sharded pub/sub): `REDIS_URL` as the configuration parsed it. */
  readonly target: RedisTarget
  /** Stamped on every message; messages carrying it are this node's own echoes. */
  readonly nodeId: string
  readonly logger: RelayLogger
  readonly observer?: RelayObserver
}

/**
 * Connects at construction and keeps reconnecting (back-off up to RECONNECT_MAX_DELAY_MS) until
 * closed; starts 'disconnected'.
 */
export class RedisRelay implements Relay {
  readonly nodeId: string
  private readonly logger: RelayLogger
  private readonly observer: RelayObserver | undefined
  private readonly link: PubSubLink
  private readonly dispatcher: RelayDispatcher
  /** Errors already logged since the last 'connected': one line per distinct failure, not per retry. */
  private readonly loggedErrors = new Set<string>()
  private currentState: RelayState = 'disconnected'
  private closed = false

  constructor(options: RedisRelayOptions) {
    this.nodeId = options.nodeId
    this.logger = options.logger
    this.observer = options.observer
    this.dispatcher = new RelayDispatcher(options.nodeId, options.logger)
    const { target } = options
    const hooks: PubSubLinkHooks = {
      onMessage: (channel, payload) => this.handleMessage(channel, payload),
      onUpChange: () => this.updateState(),
      onError: (error, context) => this.logError(error, context),
    }
    const name = `tandem:${options.nodeId}`.replace(/\s/g, '_')
    this.link =
      target.mode === 'cluster'
        ? new ClusterLink(
            { nodes: target.nodes, username: target.username, password: target.password, name },
            hooks,
          )
        : new StandaloneLink(target.url, name, hooks)
  }

  get state(): RelayState {
    return this.currentState
  }

  async subscribe(room: string, handler: (envelope: RelayEnvelope) => void): Promise<void> {
    if (this.closed) return
    this.dispatcher.setHandler(room, handler)
    await this.link.subscribe(relayChannel(room))
  }

  async unsubscribe(room: string): Promise<void> {
    if (!this.dispatcher.removeHandler(room)) return
    await this.link.unsubscribe(relayChannel(room))
  }

  publish(room: string, message: RelayMessage): void {
    // Not merely "can publish": ioredis Cluster retries a command for a while when nodes vanish, so
    // a message sent during an outage could arrive after it; rooms resync on 'connected' anyway.
    if (this.closed || this.currentState !== 'connected') {
      this.observer?.onDrop(message.kind)
      return
    }
    const payload = encodeRelayEnvelope({ from: this.nodeId, sentAtMs: Date.now(), message })
    this.link.publish(relayChannel(room), payload).then(
      () => this.observer?.onPublish(message.kind, payload.length),
      (error: Error) => {
        this.observer?.onDrop(message.kind)
        this.logError(error, 'publish')
      },
    )
  }

  onStateChange(listener: (state: RelayState) => void): () => void {
    return this.dispatcher.addStateListener(listener)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.dispatcher.clear()
    this.currentState = 'disconnected'
    await this.link.close()
  }

  private handleMessage(channel: string, payload: Buffer): void {
    if (this.closed) return
    const room = roomOfChannel(channel)
    let envelope: ReturnType<typeof decodeRelayEnvelope>
    try {
      envelope = decodeRelayEnvelope(payload)
    } catch (error) {
      this.logger.warn({ err: error, channel, bytes: payload.length }, 'dropped a malformed relay message')
      return
    }
    const { from, message } = envelope
    if (from === this.nodeId) return
    this.observer?.onReceive(message.kind, payload.length, Math.max(0, Date.now() - envelope.sentAtMs))
    if (room !== undefined) this.dispatcher.dispatch(room, { from, message })
  }

  private updateState(): void {
    if (this.closed) return
    const next: RelayState = this.link.up ? 'connected' : 'disconnected'
    if (next === this.currentState) return
    this.currentState = next
    if (next === 'connected') {
      this.loggedErrors.clear()
      this.logger.info({ nodeId: this.nodeId, rooms: this.dispatcher.roomCount }, 'redis relay connected')
    } else {
      this.logger.warn(
        { nodeId: this.nodeId },
        'redis relay disconnected; serving local clients until it is back',
      )
    }
    this.dispatcher.emitState(next)
  }

  private logError(error: Error, context: string): void {
    const key = `${context}: ${error.message}`
    if (this.closed || this.loggedErrors.has(key)) return
    this.loggedErrors.add(key)
    this.logger.warn({ err: error, context, nodeId: this.nodeId }, 'redis relay error')
  }
}
