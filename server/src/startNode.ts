/** Builds a production node from its configuration: durable store, token auth, the API and the relay. */
import { authenticateUpgrade } from './auth/authenticateUpgrade'
import { resolveSecret } from './auth/secretFile'
import { TokenVerifier } from './auth/TokenVerifier'
import { createApiHandler } from './api/createApiHandler'
import type { Config } from './config'
import type { Authenticate } from './http/upgrade'
import type { Logger } from './logger'
import { createDocumentStore } from './persistence/createDocumentStore'
import { createTandemServer, type TandemServer } from './server'

/** Upgrade authentication by connection token: claims become the connection's identity. */
export function tokenAuthenticator(verifier: TokenVerifier): Authenticate {
  return async (request, room) => {
    const claims = await authenticateUpgrade(request, room, verifier)
    return { userId: claims.sub, role: claims.role, expiresAtMs: claims.exp * 1000 }
  }
}

export async function createNode(config: Config, logger: Logger): Promise<TandemServer> {
  const { secret, path } = await resolveSecret(config)
  if (path) logger.warn({ file: path }, 'TANDEM_SECRET is unset: using the generated secret kept in this file')
  const verifier = new TokenVerifier(secret)
  const store = createDocumentStore(config)
  const api = createApiHandler({ store, verifier, secret, config, logger })
  return createTandemServer(config, { store, authenticate: tokenAuthenticator(verifier), api, logger })
}
