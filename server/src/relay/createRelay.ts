/** Picks the node's relay from configuration: Redis when a URL is set, none (single node) otherwise. */

import { RedisRelay, type RedisRelayOptions } from './RedisRelay'
import type { Relay } from './Relay'

export interface CreateRelayOptions extends Omit<RedisRelayOptions, 'redisUrl'> {
  /** `config.redisUrl`; undefined means single node and no Redis code runs. */
  readonly redisUrl: string | undefined
}

/** Returns a connecting RedisRelay, or undefined without a URL. Throws RedisUrlError for a bad URL. */
export function createRelay(options: CreateRelayOptions): Relay | undefined {
  const { redisUrl } = options
  return redisUrl === undefined ? undefined : new RedisRelay({ ...options, redisUrl })
}
