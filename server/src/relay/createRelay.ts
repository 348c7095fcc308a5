/** Picks the node's relay from configuration: Redis when REDIS_URL is set, none (single node) otherwise. */
import { RedisRelay, type RedisRelayOptions } from './RedisRelay'
import type { Relay } from './Relay'
import type { RedisTarget } from './redisTarget'

export interface CreateRelayOptions extends Omit<RedisRelayOptions, 'target'> {
  /** `config.redis`; undefined means single node and no Redis code runs. */
  readonly redis: RedisTarget | undefined
}

/** Returns a connecting RedisRelay, or undefined without a Redis target. */
export function createRelay({ redis, ...options }: CreateRelayOptions): Relay | undefined {
  return redis === undefined ? undefined : new RedisRelay({ ...options, target: redis })
}
