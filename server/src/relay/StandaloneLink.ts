/** Pub/sub over one Redis server: a publisher connection and a subscriber connection. */
import { Redis } from 'ioredis'
import { asBuffer, type PubSubLink, type PubSubLinkHooks, relayConnectionOptions } from './PubSubLink'
import { SubscriberConnection } from './SubscriberConnection'

export class StandaloneLink implements PubSubLink {
  private readonly publisher: Redis
  private readonly subscriber: SubscriberConnection

  /** Connects both at once; `url` is `redis://` or `rediss://`; `name` labels the connections in CLIENT LIST. */
  constructor(url: string, name: string, hooks: PubSubLinkHooks) {
    this.publisher = new Redis(url, relayConnectionOptions(`${name}:pub`))
    this.publisher.on('ready', () => hooks.onUpChange())
    this.publisher.on('close', () => hooks.onUpChange())
    this.publisher.on('error', (error: Error) => hooks.onError(error, 'publisher connection'))
    this.subscriber = new SubscriberConnection(url, relayConnectionOptions(`${name}:sub`), 'subscribe', hooks)
  }

  get up(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.up
  }

  async publish(channel: string, payload: Uint8Array): Promise<void> {
    await this.publisher.publish(channel, asBuffer(payload))
  }

  subscribe(channel: string): Promise<void> {
    return this.subscriber.add(channel)
  }

  unsubscribe(channel: string): Promise<void> {
    return this.subscriber.remove(channel)
  }

  async close(): Promise<void> {
    this.publisher.removeAllListeners('ready').removeAllListeners('close')
    this.publisher.disconnect()
    await this.subscriber.close()
  }
}
