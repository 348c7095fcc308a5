/** Builds a production node from its configuration: durable store, token auth, the API and the relay. */
import type { IncomingMessage } from 'node:http'
import { CLOSE_CODES } from '@tandem/shared'
import { createApiHandler } from './api/createApiHandler'
import { RateLimiter } from './api/rateLimiter'
import { authenticateUpgrade } from './auth/authenticateUpgrade'
import { resolveSecret } from './auth/secretFile'
import { TokenVerifier } from './auth/TokenVerifier'
import type { Config } from './config'
import type { Authenticate } from './http/upgrade'
import type { Logger } from './logger'
import { Metrics, relayObserver } from './metrics'
import { createDocumentStore } from './persistence/createDocumentStore'
import { createRelay } from './relay/createRelay'
import { createTandemServer, type TandemServer } from './server'

/** Upgrade authentication by connection token: claims become the connection's identity. */
export function tokenAuthenticator(verifier: TokenVerifier): Authenticate {
  return async (request, room) => {
    const claims = await authenticateUpgrade(request, room, verifier)
    return {
      userId: claims.sub,
      ...(claims.name !== undefined ? { name: claims.name } : {}),
      role: claims.role,
      expiresAtMs: claims.exp * 1000,
      ...(claims.shareKeyId ? { shareKeyId: claims.shareKeyId } : {}),
    }
  }
}

/**
 * The address to rate-limit by. Behind a trusted proxy it is the last X-Forwarded-For entry: the
 * one our proxy added. Earlier entries come from the client and could be anything.
 */
export function clientAddress(trustProxy: boolean): (req: IncomingMessage) => string {
  return (req) => {
    const forwarded = req.headers['x-forwarded-for']
    if (trustProxy && typeof forwarded === 'string') {
      const last = forwarded.split(',').at(-1)?.trim()
      if (last) return last
    }
    return req.socket.remoteAddress ?? 'unknown'
  }
}

export async function createNode(config: Config, logger: Logger): Promise<TandemServer> {
  const { secret, path, weak } = await resolveSecret(config)
  if (path) {
    logger.warn({ file: path }, 'TANDEM_SECRET is unset: using the generated secret kept in this file')
    if (config.redisUrl)
      logger.warn('with several nodes, every node needs the same TANDEM_SECRET (or one shared DATA_DIR)')
  }
  if (weak) logger.warn('TANDEM_SECRET is shorter than 32 bytes: use a longer random secret')
  const verifier = new TokenVerifier(secret)
  const metrics = new Metrics()
  const relay = createRelay({
    redisUrl: config.redisUrl,
    nodeId: config.nodeId,
    logger: logger.child({ component: 'relay' }),
    observer: relayObserver(metrics),
  })
  const store = createDocumentStore(config)
  const api = createApiHandler({
    store,
    verifier,
    secret,
    config,
    logger,
    rateLimiter: new RateLimiter({
      capacity: config.apiRateLimitBurst,
      refillPerSecond: config.apiRateLimitPerSecond,
    }),
    clientAddress: clientAddress(config.trustProxy),
    onShareKeyRevoked: (documentId, keyId) => {
      // Sessions opened with a revoked key end now, not when their token expires.
      for (const connection of server.connections) {
        if (connection.roomName === documentId && connection.identity.shareKeyId === keyId) {
          connection.close(CLOSE_CODES.FORBIDDEN)
        }
      }
    },
  })
  const server = createTandemServer(config, {
    store,
    relay,
    metrics,
    authenticate: tokenAuthenticator(verifier),
    api,
    logger,
  })
  return server
}
