/** Picks the node's relay from configuration: Redis when REDIS_URL is set, none (single node) otherwise. */
import type { RedisRelayOptions } from './RedisRelay'
import type { Relay } from './Relay'
import type { RedisTarget } from './redisTarget'

export interface CreateRelayOptions extends Omit<RedisRelayOptions, 'target'> {
  /** `config.redis`; undefined means single node and no Redis code runs. */
  readonly redis: RedisTarget | undefined
}

/**
 * Returns a connecting RedisRelay, or undefined without a Redis target. The Redis code (ioredis,
 * ~80 ms to import) loads only when it is needed: a single node starts without it.
 */
export async function createRelay({ redis, ...options }: CreateRelayOptions): Promise<Relay | undefined> {
  if (redis === undefined) return undefined
  const { RedisRelay } = await import('./RedisRelay')
  return new RedisRelay({ ...options, target: redis })
}
