/** Builds a production node from its configuration: durable store, token auth, the API and the relay. */
import { DEFAULT_TOKEN_TTL_SECONDS } from '@tandem/shared'
import { createApiHandler } from './api/createApiHandler'
import { authenticateUpgrade } from './auth/authenticateUpgrade'
import { SessionRevoker } from './auth/SessionRevoker'
import { ShareKeyStatus } from './auth/ShareKeyStatus'
import { resolveSecret } from './auth/secretFile'
import { TokenVerifier } from './auth/TokenVerifier'
import type { Config } from './config'
import { ContentWorker } from './content/ContentWorker'
import { History } from './history/History'
import { clientAddress } from './http/clientAddress'
import { RateLimiter } from './http/RateLimiter'
import type { Authenticate } from './http/upgrade'
import type { Logger } from './logger'
import { Metrics, relayObserver } from './metrics'
import { createDocumentStore } from './persistence/createDocumentStore'
import type { DocumentStore } from './persistence/DocumentStore'
import { createRelay } from './relay/createRelay'
import type { Relay } from './relay/Relay'
import type { RoomRegistry } from './rooms/RoomRegistry'
import { createTandemServer, type TandemServer } from './server'
import { createUploadHandler } from './uploads/serveUpload'
import { UploadUrlSigner } from './uploads/UploadUrlSigner'
import { Webhooks, type WebhooksOptions } from './webhooks/Webhooks'

/** Upgrade authentication by connection token: claims become the connection's identity. */
function tokenAuthenticator(verifier: TokenVerifier): Authenticate {
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

/** Adapters to use instead of the ones the configuration names (tests: a MemoryStore, a MemoryRelayHub). */
export interface NodeAdapters {
  readonly store?: DocumentStore
  readonly relay?: Relay
  /** Webhook dispatcher timings (tests shorten the retry backoff). */
  readonly webhookTimings?: WebhooksOptions['dispatcher']
}

/**
 * Builds (does not start) one node: `listen()` on the result starts it, `close()` shuts it down
 * gracefully. Logs a warning for a generated or short TANDEM_SECRET.
 */
export async function createNode(
  config: Config,
  logger: Logger,
  adapters: NodeAdapters = {},
): Promise<TandemServer> {
  const { secret, path, weak } = await resolveSecret(config)
  if (path) {
    logger.warn({ file: path }, 'TANDEM_SECRET is unset: using the generated secret kept in this file')
    if (config.redis)
      logger.warn('with several nodes, every node needs the same TANDEM_SECRET (or one shared DATA_DIR)')
  }
  if (weak) logger.warn('TANDEM_SECRET is shorter than 32 bytes: use a longer random secret')
  const metrics = new Metrics()
  const relay =
    adapters.relay ??
    (await createRelay({
      redis: config.redis,
      nodeId: config.nodeId,
      logger: logger.child({ component: 'relay' }),
      observer: relayObserver(metrics),
    }))
  const store = adapters.store ?? (await createDocumentStore(config))
  const shareKeys = new ShareKeyStatus(store)
  // The one check every upgrade and every API call with a token goes through.
  const verifier = new TokenVerifier(secret, { maxLifetimeSeconds: config.maxTokenTtlSeconds, shareKeys })
  // One signer for both ends: the API signs image URLs, the upload handler checks them.
  const uploadSigner = new UploadUrlSigner(secret)
  const webhooks = new Webhooks({
    store,
    config,
    registry: metrics.registry,
    logger: logger.child({ component: 'webhooks' }),
    ...(adapters.webhookTimings ? { dispatcher: adapters.webhookTimings } : {}),
  })
  // Versions: automatic ones from this node's commits, named and restored ones through the API.
  const history = new History({
    store,
    config,
    logger: logger.child({ component: 'history' }),
    onVersionCreated: ({ documentId, versionId, kind, name, editors }) => {
      void webhooks.publish({ type: 'version.created', documentId, versionId, kind, name, editors })
    },
    onAutoVersionRefused: () => metrics.versionsRefused.inc(),
  })
  // Headless Lexical for the content API, on a worker thread started on first use.
  const contentWorker = new ContentWorker()
  const api = (rooms: RoomRegistry) =>
    createApiHandler({
      store,
      rooms,
      verifier,
      secret,
      config,
      logger,
      rateLimiter: new RateLimiter({
        capacity: config.apiRateLimitBurst,
        refillPerSecond: config.apiRateLimitPerSecond,
      }),
      clientAddress: clientAddress(config.trustProxy),
      contentWorker,
      history: {
        versions: history.versions,
        takeNamedVersion: (documentId, name) => history.takeNamedVersion(documentId, name),
        keepBeforeRestore: (documentId) => history.keepBeforeRestore(documentId),
        forViewers: config.historyForViewers,
      },
      // Exchanged tokens never outlive the maximum the verifier accepts.
      tokenTtlSeconds: Math.min(DEFAULT_TOKEN_TTL_SECONDS, config.maxTokenTtlSeconds),
      // Sessions opened with a revoked key end now, on every node, not when their token expires.
      onShareKeyRevoked: (documentId, keyId) => revoker.revoke(documentId, keyId),
      onDocumentCreated: (documentId, title) => {
        void webhooks.publish({ type: 'document.created', documentId, title })
      },
      // Sessions of a deleted document end now, on every node (4410).
      onDocumentDeleted: (documentId) => {
        revoker.closeDocument(documentId)
        void webhooks.publish({ type: 'document.deleted', documentId })
      },
      uploads: {
        maxBytes: config.maxUploadBytes,
        quota: { maxCount: config.maxUploadsPerDocument, maxBytes: config.maxUploadBytesPerDocument },
        // Keyed by document: whoever holds an edit link, from however many addresses, shares one allowance.
        rateLimiter: new RateLimiter({
          capacity: config.uploadRateLimitBurst,
          refillPerSecond: config.uploadsPerMinute / 60,
        }),
        signer: uploadSigner,
      },
    })
  const server = createTandemServer(config, {
    store,
    relay,
    metrics,
    authenticate: tokenAuthenticator(verifier),
    api,
    uploads: createUploadHandler({
      store,
      signer: uploadSigner,
      // Its own allowance, sized like refused upgrades': forged or stale image links from one address.
      refusals: new RateLimiter({
        capacity: config.upgradeRefusalBurst,
        refillPerSecond: config.upgradeRefusalsPerSecond,
      }),
      clientAddress: clientAddress(config.trustProxy),
    }),
    logger,
    documentEvents: webhooks,
    history,
  })
  const revoker = new SessionRevoker({
    connections: server.connections,
    status: shareKeys,
    relay,
    metrics,
    logger,
  })
  await revoker.start()
  webhooks.start()
  return {
    ...server,
    close: async () => {
      revoker.stop()
      await server.close()
      await contentWorker.close()
    },
  }
}
