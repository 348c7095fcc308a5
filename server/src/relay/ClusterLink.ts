/**
 * Pub/sub over Redis Cluster with sharded pub/sub (Redis 7): SPUBLISH through an ioredis Cluster,
 * SSUBSCRIBE on one subscriber connection per master, each channel on the master owning its slot.
 */
import { Cluster, Command } from 'ioredis'
import { asBuffer, type PubSubLink, type PubSubLinkHooks, relayConnectionOptions } from './PubSubLink'
import type { ClusterSeedNode } from './redisTarget'
import { SubscriberConnection } from './SubscriberConnection'

/** Picks up resharding and failovers without waiting for a MOVED reply. */
const SLOTS_REFRESH_INTERVAL_MS = 5_000

export interface ClusterLinkOptions {
  readonly nodes: readonly ClusterSeedNode[]
  readonly username: string | undefined
  readonly password: string | undefined
  /** Labels the connections in CLIENT LIST. */
  readonly name: string
}

/** The slot ioredis routes SPUBLISH to, so subscriptions land on the same master. */
function slotOf(channel: string): number {
  return new Command('spublish', [channel]).getSlot() as number
}

/**
 * Not ioredis' `shardedSubscribers` option: in 5.9.2 its subscriber group is never rebuilt after
 * the whole cluster was unreachable (the slot map looks unchanged, so it skips the reset), and
 * subscriptions stay silently dead. Our own connections resubscribe after every reconnect.
 */
export class ClusterLink implements PubSubLink {
  private readonly cluster: Cluster
  /** Subscriber connection per master, by ioredis node key `host:port`. */
  private readonly shards = new Map<string, SubscriberConnection>()
  /** Every subscribed channel and its slot (computed once; reconcile runs on every slot refresh). */
  private readonly channels = new Map<string, number>()
  /** Channel -> node key of the master it is subscribed on. */
  private readonly placement = new Map<string, string>()
  private closed = false

  constructor(
    private readonly options: ClusterLinkOptions,
    private readonly hooks: PubSubLinkHooks,
  ) {
    const { enableOfflineQueue, retryStrategy, ...redisOptions } = relayConnectionOptions(
      `${options.name}:pub`,
    )
    this.cluster = new Cluster(
      options.nodes.map(({ host, port }) => ({ host, port })),
      {
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        slotsRefreshInterval: SLOTS_REFRESH_INTERVAL_MS,
        redisOptions: { ...redisOptions, username: options.username, password: options.password },
      },
    )
    this.cluster.on('ready', () => this.reconcile())
    this.cluster.on('refresh', () => this.reconcile())
    this.cluster.on('close', () => hooks.onUpChange())
    this.cluster.on('error', (error: Error) => hooks.onError(error, 'cluster connection'))
  }

  get up(): boolean {
    const ready = this.cluster.status === 'ready' && this.shards.size > 0
    const allPlaced = this.placement.size === this.channels.size
    return ready && allPlaced && [...this.shards.values()].every((shard) => shard.up)
  }

  async publish(channel: string, payload: Uint8Array): Promise<void> {
    await this.cluster.spublish(channel, asBuffer(payload))
  }

  subscribe(channel: string): Promise<void> {
    const slot = slotOf(channel)
    this.channels.set(channel, slot)
    return this.place(channel, slot)
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel)
    const owner = this.placement.get(channel)
    this.placement.delete(channel)
    if (owner !== undefined) await this.shards.get(owner)?.remove(channel)
  }

  async close(): Promise<void> {
    this.closed = true
    this.cluster.removeAllListeners('ready').removeAllListeners('refresh').removeAllListeners('close')
    this.cluster.disconnect()
    await Promise.all([...this.shards.values()].map((shard) => shard.close()))
    this.shards.clear()
  }

  /** Follows the cluster's slot map: one connection per master, every channel on its slot's master. */
  private reconcile(): void {
    if (this.closed) return
    const masters = new Set<string>()
    for (const owners of this.cluster.slots) if (owners?.[0] !== undefined) masters.add(owners[0])
    if (masters.size === 0) return
    for (const key of masters) if (!this.shards.has(key)) this.shards.set(key, this.connectShard(key))
    for (const [channel, slot] of this.channels) void this.place(channel, slot)
    for (const [key, shard] of this.shards) {
      if (masters.has(key)) continue
      this.shards.delete(key)
      void shard.close()
    }
    this.hooks.onUpChange()
  }

  private async place(channel: string, slot: number): Promise<void> {
    const owner = this.cluster.slots[slot]?.[0]
    const current = this.placement.get(channel)
    if (owner === current) return
    if (current !== undefined) void this.shards.get(current)?.remove(channel)
    const shard = owner === undefined ? undefined : this.shards.get(owner)
    if (owner === undefined || shard === undefined) {
      // No slot map yet (or a master we have not met): reconcile() places it when one arrives.
      this.placement.delete(channel)
      return
    }
    this.placement.set(channel, owner)
    await shard.add(channel)
  }

  private connectShard(nodeKey: string): SubscriberConnection {
    const colon = nodeKey.lastIndexOf(':')
    const target = {
      host: nodeKey.slice(0, colon),
      port: Number(nodeKey.slice(colon + 1)),
      username: this.options.username,
      password: this.options.password,
    }
    const options = relayConnectionOptions(`${this.options.name}:sub`)
    return new SubscriberConnection(target, options, 'ssubscribe', {
      onMessage: (channel, payload) => this.hooks.onMessage(channel, payload),
      onUpChange: () => this.hooks.onUpChange(),
      onError: (error, context) => this.hooks.onError(error, `${nodeKey} ${context}`),
      onMoved: () => this.cluster.refreshSlotsCache(),
    })
  }
}
