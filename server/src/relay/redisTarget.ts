/** Which Redis deployment `REDIS_URL` names: one server, or a cluster by its seed nodes. */

/** `redis-cluster://[user[:password]@]host:port[,host:port...]` selects Redis Cluster with sharded pub/sub. */
export const REDIS_CLUSTER_SCHEME = 'redis-cluster:'
const STANDALONE_SCHEMES = ['redis:', 'rediss:']

export interface ClusterSeedNode {
  readonly host: string
  readonly port: number
}

export type RedisTarget =
  /** Passed to ioredis unchanged. */
  | { readonly mode: 'standalone'; readonly url: string }
  | {
      readonly mode: 'cluster'
      readonly nodes: readonly ClusterSeedNode[]
      readonly username: string | undefined
      readonly password: string | undefined
    }

export class RedisUrlError extends Error {
  override name = 'RedisUrlError'
}

function parseSeedNode(text: string, url: string): ClusterSeedNode {
  const colon = text.lastIndexOf(':')
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
  const port = Number(text.slice(colon + 1))
  if (colon <= 0 || host === '' || !/^\d+$/.test(text.slice(colon + 1)) || port < 1 || port > 65535) {
    throw new RedisUrlError(
      `REDIS_URL ${JSON.stringify(url)}: expected host:port, got ${JSON.stringify(text)}`,
    )
  }
  return { host, port }
}

function parseCluster(url: string): RedisTarget {
  let rest = url.slice(`${REDIS_CLUSTER_SCHEME}//`.length).replace(/\/$/, '')
  let username: string | undefined
  let password: string | undefined
  const at = rest.lastIndexOf('@')
  if (at !== -1) {
    const userinfo = rest.slice(0, at)
    rest = rest.slice(at + 1)
    const colon = userinfo.indexOf(':')
    const user = decodeURIComponent(colon === -1 ? userinfo : userinfo.slice(0, colon))
    username = user === '' ? undefined : user
    password = colon === -1 ? undefined : decodeURIComponent(userinfo.slice(colon + 1))
  }
  if (rest === '') throw new RedisUrlError(`REDIS_URL ${JSON.stringify(url)}: no cluster nodes`)
  const nodes = rest.split(',').map((node) => parseSeedNode(node, url))
  return { mode: 'cluster', nodes, username, password }
}

/**
 * Parses `redis://` / `rediss://` (one server, given to ioredis as is) or `redis-cluster://h1:p1,h2:p2`
 * (Redis Cluster; any reachable seed finds the rest). Throws RedisUrlError with the reason.
 */
export function parseRedisTarget(url: string): RedisTarget {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase()
  if (scheme === REDIS_CLUSTER_SCHEME && url.slice(scheme.length).startsWith('//')) return parseCluster(url)
  if (scheme !== undefined && STANDALONE_SCHEMES.includes(scheme)) return { mode: 'standalone', url }
  throw new RedisUrlError(
    `REDIS_URL ${JSON.stringify(url)}: expected redis://, rediss:// or ${REDIS_CLUSTER_SCHEME}//host:port,host:port`,
  )
}
