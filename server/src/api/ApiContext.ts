/** What the API handler is built from, and what each route handler receives. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TokenVerifier } from '../auth/TokenVerifier'
import type { Config } from '../config'
import type { ContentWorker } from '../content/ContentWorker'
import type { History } from '../history/History'
import type { RateLimiter } from '../http/RateLimiter'
import type { DocumentStore, UploadQuota } from '../persistence/DocumentStore'
import type { RoomRegistry } from '../rooms/RoomRegistry'
import type { UploadUrlSigner } from '../uploads/UploadUrlSigner'
import type { DocumentWriteQueue } from './DocumentWriteQueue'

/** The slice of a pino logger the API uses; a pino `Logger` fits as is. */
export interface ApiLogger {
  error(details: object, message: string): void
  warn(details: object, message: string): void
  debug(details: object, message: string): void
}

export interface ApiDeps {
  readonly store: DocumentStore
  /** The node's rooms: the content API reads and edits documents through them, never the store. */
  readonly rooms: Pick<RoomRegistry, 'use'>
  /** Verifies Bearer tokens; built from `secret`. */
  readonly verifier: Pick<TokenVerifier, 'verify'>
  /** HS256 secret to mint exchanged tokens with: the one `verifier` checks (see `resolveSecret`). */
  readonly secret: string
  readonly config: Pick<Config, 'allowPublicCreate'>
  /** Unexpected failures (5xx) are logged here with the redacted URL. Default: not logged. */
  readonly logger?: ApiLogger
  /** Lifetime of exchanged tokens. Default DEFAULT_TOKEN_TTL_SECONDS (1 h). */
  readonly tokenTtlSeconds?: number
  /** Per-client-address limiter for every /api request. Default `new RateLimiter(DEFAULT_API_RATE_LIMIT)`. */
  readonly rateLimiter?: Pick<RateLimiter, 'take'>
  /**
   * A second per-address limiter for the content routes (rendering, importing), which cost far more
   * than other calls. Default `new RateLimiter(DEFAULT_CONTENT_RATE_LIMIT)`.
   */
  readonly contentRateLimiter?: Pick<RateLimiter, 'take'>
  /**
   * Renders and imports content off the event loop (headless Lexical on a worker thread). Default
   * `new ContentWorker()`, whose thread starts on the first content call.
   */
  readonly contentWorker?: Pick<ContentWorker, 'render' | 'edit' | 'restore'>
  /**
   * Version history (`/versions` routes): taking versions, and whether viewers may browse
   * (HISTORY_FOR_VIEWERS). Unset: those routes answer 404.
   */
  readonly history?: VersionHistoryDeps
  /** Restores and content writes, one at a time per document. Default a new DocumentWriteQueue. */
  readonly documentWrites?: DocumentWriteQueue
  /** The rate limit key of a request. Default: the socket's remote address (set this behind a proxy). */
  readonly clientAddress?: (req: IncomingMessage) => string
  /** Largest JSON body. Default MAX_JSON_BODY_BYTES (16 KiB). */
  readonly maxBodyBytes?: number
  /** Upload limits and URL signing. Default: defaultUploadSettings(secret). */
  readonly uploads?: UploadSettings
  /** Called after a key was revoked, e.g. to close sessions whose token carries that `shareKeyId`. */
  readonly onShareKeyRevoked?: (documentId: string, keyId: string) => void
  /** Called after a document was created (webhooks announce it). */
  readonly onDocumentCreated?: (documentId: string, title: string) => void
  /** Called after a document was deleted, e.g. to close its sessions on every node and announce it. */
  readonly onDocumentDeleted?: (documentId: string) => void
}

/** What the version routes use of the node's History. */
export interface VersionHistoryDeps extends Pick<History, 'takeNamedVersion' | 'keepBeforeRestore'> {
  readonly versions: Pick<History['versions'], 'retention'>
  readonly forViewers: boolean
}

/** The callbacks of ApiDeps, which stay optional. */
type ApiCallbacks = 'history' | 'logger' | 'onShareKeyRevoked' | 'onDocumentCreated' | 'onDocumentDeleted'

/** `ApiDeps` with every default filled in. */
export type ResolvedApiDeps = Required<Omit<ApiDeps, ApiCallbacks>> & Pick<ApiDeps, ApiCallbacks>

/** One matched request: `params` are the path's captured segments (already validated as ids). */
export interface ApiContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly params: readonly string[]
  readonly deps: ResolvedApiDeps
}

export type RouteHandler = (context: ApiContext) => Promise<void>

/** What bounds uploads (MAX_UPLOAD_BYTES and friends) and signs their URLs. */
export interface UploadSettings {
  /** Largest single upload. */
  readonly maxBytes: number
  /** What one document may hold in all. */
  readonly quota: UploadQuota
  /** Keyed by document id: uploads one document may take in a burst, then a steady rate. */
  readonly rateLimiter: Pick<RateLimiter, 'take'>
  readonly signer: Pick<UploadUrlSigner, 'sign' | 'currentExpiry'>
}
