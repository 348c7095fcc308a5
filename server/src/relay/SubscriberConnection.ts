/** One Redis connection in (sharded) subscriber mode that restores its whole channel set after every reconnect. */
import { Redis, type RedisOptions } from 'ioredis'

/** `subscribe` for a single server, `ssubscribe` (sharded pub/sub, Redis 7) for a cluster shard. */
export type SubscribeMode = 'subscribe' | 'ssubscribe'

export interface SubscriberConnectionHooks {
  onMessage(channel: string, payload: Buffer): void
  /** `up` may have changed. */
  onUpChange(): void
  onError(error: Error, context: string): void
  /** The server answered SSUBSCRIBE with MOVED: our slot map is stale. */
  onMoved?(): void
}

/** How often each subscriber connection checks that Redis still answers. */
export const HEALTH_PING_INTERVAL_MS = 1_000
/**
 * A PING unanswered this long means Redis hangs (stopped, swapping) behind an open socket, which
 * neither TCP nor ioredis notices: the connection is dropped and reported down until Redis answers.
 */
export const HEALTH_PING_TIMEOUT_MS = 2_000

const COMMANDS = {
  subscribe: { add: 'subscribe', remove: 'unsubscribe', message: 'messageBuffer' },
  ssubscribe: { add: 'ssubscribe', remove: 'sunsubscribe', message: 'smessageBuffer' },
} as const

/**
 * ioredis' own resubscription is off (see relayConnectionOptions): it fires the commands without
 * telling anyone when they are done, and for cluster shards it can skip them altogether. This class
 * resubscribes on every 'ready' and reports `up` only once Redis confirmed every channel.
 */
export class SubscriberConnection {
  private readonly redis: Redis
  private readonly channels = new Set<string>()
  private readonly commands: (typeof COMMANDS)[SubscribeMode]
  /** Bumped on every connection loss, so a resubscription that straddles one cannot report up. */
  private epoch = 0
  private synced = false
  private closed = false
  private pinging = false
  private readonly healthTimer: NodeJS.Timeout

  /** Connects at once; `target` is a redis:// URL or host/port options (merged over `options`). */
  constructor(
    target: string | RedisOptions,
    options: RedisOptions,
    mode: SubscribeMode,
    private readonly hooks: SubscriberConnectionHooks,
  ) {
    this.commands = COMMANDS[mode]
    this.redis =
      typeof target === 'string' ? new Redis(target, options) : new Redis({ ...options, ...target })
    this.redis.on('ready', () => void this.resubscribeAll())
    this.redis.on('close', () => this.handleClose())
    this.redis.on('error', (error: Error) => {
      if (!this.closed) hooks.onError(error, `${mode} connection`)
    })
    this.redis.on(this.commands.message, (channel: Buffer, payload: Buffer) => {
      if (!this.closed) hooks.onMessage(channel.toString(), payload)
    })
    this.redis.on('moved', () => {
      if (!this.closed) hooks.onMoved?.()
    })
    this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_PING_INTERVAL_MS)
    this.healthTimer.unref()
  }

  /** Connected and every channel confirmed subscribed since the last (re)connect. */
  get up(): boolean {
    return this.synced
  }

  get channelCount(): number {
    return this.channels.size
  }

  /** Resolves once Redis confirmed the subscription, or at once while disconnected. Never rejects. */
  async add(channel: string): Promise<void> {
    this.channels.add(channel)
    if (this.redis.status === 'ready') await this.send(this.commands.add, channel)
  }

  /** Never rejects; while disconnected there is nothing to undo (reconnects start empty). */
  async remove(channel: string): Promise<void> {
    if (!this.channels.delete(channel)) return
    if (this.redis.status === 'ready') await this.send(this.commands.remove, channel)
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.healthTimer)
    this.epoch++
    this.synced = false
    this.channels.clear()
    this.redis.disconnect()
  }

  /**
   * One command per channel: sharded channels of one shard may still sit in different slots, and
   * a multi-channel SSUBSCRIBE across slots fails with CROSSSLOT.
   */
  private async send(command: 'subscribe' | 'unsubscribe' | 'ssubscribe' | 'sunsubscribe', channel: string) {
    const epoch = this.epoch
    try {
      await this.redis[command](channel)
      return true
    } catch (error) {
      // A failure on a live connection leaves a channel silently deaf: start over with a reconnect.
      if (epoch === this.epoch && !this.closed) {
        this.hooks.onError(error as Error, `${command} ${channel}`)
        this.redis.disconnect(true)
      }
      return false
    }
  }

  private async resubscribeAll(): Promise<void> {
    const epoch = this.epoch
    const results = await Promise.all(
      [...this.channels].map((channel) => this.send(this.commands.add, channel)),
    )
    if (epoch !== this.epoch || this.closed || !results.every(Boolean)) return
    this.synced = true
    this.hooks.onUpChange()
  }

  /** PING (allowed in subscriber mode) with a deadline; a hung server gets the connection dropped. */
  private async checkHealth(): Promise<void> {
    if (this.closed || this.pinging || this.redis.status !== 'ready') return
    this.pinging = true
    const epoch = this.epoch
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), HEALTH_PING_TIMEOUT_MS)
    })
    const answered = this.redis.ping().then(
      () => 'answered' as const,
      () => 'failed' as const,
    )
    const outcome = await Promise.race([answered, timedOut])
    clearTimeout(timer)
    this.pinging = false
    if (outcome !== 'timeout' || epoch !== this.epoch || this.closed) return
    this.hooks.onError(new Error(`no answer to PING within ${HEALTH_PING_TIMEOUT_MS} ms`), 'health check')
    this.redis.disconnect(true)
  }

  private handleClose(): void {
    this.epoch++
    if (!this.synced) return
    this.synced = false
    if (!this.closed) this.hooks.onUpChange()
  }
}
