/** The HTTP API (`/api/*`): routing, rate limiting, and the one boundary where errors become JSON. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { API_ERROR_CODES, DEFAULT_TOKEN_TTL_SECONDS, HTTP_STATUS, isValidRoomName } from '@tandem/shared'
import { ContentLimitError } from '@tandem/shared/content/contentFormats'
import { AuthError } from '../auth/AuthError'
import { redactUrl } from '../auth/authenticateUpgrade'
import { CONTENT_BUSY_RETRY_AFTER_SECONDS, ContentWorker, ContentWorkerError } from '../content/ContentWorker'
import { ApiError } from '../http/ApiError'
import { RateLimiter, type RateLimiterOptions } from '../http/RateLimiter'
import type { ApiHandler } from '../http/requestHandler'
import { sendApiError } from '../http/sendJson'
import { LimitExceededError } from '../rooms/LimitExceededError'
import { UploadUrlSigner } from '../uploads/UploadUrlSigner'
import {
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES_PER_DOCUMENT,
  DEFAULT_MAX_UPLOADS_PER_DOCUMENT,
  DEFAULT_UPLOAD_RATE_LIMIT_BURST,
  DEFAULT_UPLOADS_PER_MINUTE,
} from '../uploads/uploadLimits'
import type { ApiDeps, ResolvedApiDeps, RouteHandler } from './ApiContext'
import { handleListComments } from './commentRoutes'
import { handleAppendContent, handleReadContent, handleReplaceContent } from './contentRoutes'
import { DocumentWriteQueue } from './DocumentWriteQueue'
import { handleDeleteDocument, handleListDocuments } from './documentAdminRoutes'
import {
  handleCreateDocument,
  handleCreateShareKey,
  handleGetDocument,
  handleListShareKeys,
  handleRevokeShareKey,
} from './documentRoutes'
import { RequestAbortedError } from './RequestAbortedError'
import { MAX_JSON_BODY_BYTES } from './readJsonBody'
import { handleTokenExchange } from './tokenRoute'
import { handleCreateUpload, handleListUploads } from './uploadRoutes'
import {
  handleListVersions,
  handleNameCurrentVersion,
  handleReadVersion,
  handleRenameVersion,
  handleRestoreVersion,
} from './versionRoutes'

/** Default rate limit of the API: a burst of 60 requests, then 2 per second per client address. */
const DEFAULT_API_RATE_LIMIT: RateLimiterOptions = { capacity: 60, refillPerSecond: 2 }

/**
 * Default limit of the content routes, on top of the API's: a burst of 20 renders or imports, then
 * one a second per client address (each can take tens to hundreds of milliseconds of the event loop).
 */
const DEFAULT_CONTENT_RATE_LIMIT: RateLimiterOptions = { capacity: 20, refillPerSecond: 1 }

/** Every /api path starts with this. */
export const API_PATH_PREFIX = '/api/'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

interface Route {
  /** Captures are ids (document, key) and must be valid room names, else the path is unknown (404). */
  readonly pattern: RegExp
  readonly methods: Readonly<Partial<Record<Method, RouteHandler>>>
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/api\/documents$/, methods: { GET: handleListDocuments, POST: handleCreateDocument } },
  {
    pattern: /^\/api\/documents\/([^/]+)$/,
    methods: { GET: handleGetDocument, DELETE: handleDeleteDocument },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)\/keys$/,
    methods: { GET: handleListShareKeys, POST: handleCreateShareKey },
  },
  { pattern: /^\/api\/documents\/([^/]+)\/keys\/([^/]+)$/, methods: { DELETE: handleRevokeShareKey } },
  {
    pattern: /^\/api\/documents\/([^/]+)\/uploads$/,
    methods: { GET: handleListUploads, POST: handleCreateUpload },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)\/content$/,
    methods: { GET: handleReadContent, PUT: handleReplaceContent, POST: handleAppendContent },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)\/versions$/,
    methods: { GET: handleListVersions, POST: handleNameCurrentVersion },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)\/versions\/([^/]+)$/,
    methods: { GET: handleReadVersion, PATCH: handleRenameVersion },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)\/versions\/([^/]+)\/restore$/,
    methods: { POST: handleRestoreVersion },
  },
  { pattern: /^\/api\/documents\/([^/]+)\/comments$/, methods: { GET: handleListComments } },
  { pattern: /^\/api\/token$/, methods: { POST: handleTokenExchange } },
]

/**
 * Builds the /api request handler. Call it first from the HTTP server's request listener and fall
 * through to static files when it resolves false. It never rejects: every failure is answered as
 * `{ error: { code, message } }` with its status, and unexpected ones are logged (5xx).
 */
export function createApiHandler(deps: ApiDeps): ApiHandler {
  const resolved: ResolvedApiDeps = {
    ...deps,
    tokenTtlSeconds: deps.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    rateLimiter: deps.rateLimiter ?? new RateLimiter(DEFAULT_API_RATE_LIMIT),
    contentRateLimiter: deps.contentRateLimiter ?? new RateLimiter(DEFAULT_CONTENT_RATE_LIMIT),
    contentWorker: deps.contentWorker ?? new ContentWorker(),
    documentWrites: deps.documentWrites ?? new DocumentWriteQueue(),
    clientAddress: deps.clientAddress ?? ((req) => req.socket.remoteAddress ?? 'unknown'),
    maxBodyBytes: deps.maxBodyBytes ?? MAX_JSON_BODY_BYTES,
    uploads: deps.uploads ?? {
      maxBytes: DEFAULT_MAX_UPLOAD_BYTES,
      quota: { maxCount: DEFAULT_MAX_UPLOADS_PER_DOCUMENT, maxBytes: DEFAULT_MAX_UPLOAD_BYTES_PER_DOCUMENT },
      rateLimiter: new RateLimiter({
        capacity: DEFAULT_UPLOAD_RATE_LIMIT_BURST,
        refillPerSecond: DEFAULT_UPLOADS_PER_MINUTE / 60,
      }),
      signer: new UploadUrlSigner(deps.secret),
    },
  }
  return async (req, res) => {
    const pathname = readPathname(req.url)
    if (pathname !== '/api' && !pathname.startsWith(API_PATH_PREFIX)) return false
    try {
      await handleApiRequest(req, res, pathname, resolved)
    } catch (error) {
      answerError(req, res, error, resolved)
    }
    return true
  }
}

async function handleApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  deps: ResolvedApiDeps,
): Promise<void> {
  const decision = deps.rateLimiter.take(deps.clientAddress(req))
  if (!decision.allowed) {
    throw new ApiError(HTTP_STATUS.TOO_MANY_REQUESTS, API_ERROR_CODES.RATE_LIMITED, 'too many requests', {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
    })
  }
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname)
    if (!match) continue
    const params = match.slice(1) as string[]
    if (!params.every(isValidRoomName)) break
    const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method
    const handler = route.methods[method]
    if (handler === undefined) {
      const allowed = Object.keys(route.methods)
      if (allowed.includes('GET')) allowed.push('HEAD')
      throw new ApiError(
        HTTP_STATUS.METHOD_NOT_ALLOWED,
        API_ERROR_CODES.METHOD_NOT_ALLOWED,
        `${req.method} is not allowed here`,
        { headers: { Allow: allowed.join(', ') } },
      )
    }
    await handler({ req, res, params, deps })
    return
  }
  throw new ApiError(HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'no such API route')
}

/** The one place API errors turn into responses. */
function answerError(req: IncomingMessage, res: ServerResponse, error: unknown, deps: ResolvedApiDeps): void {
  if (error instanceof RequestAbortedError) {
    deps.logger?.debug(
      { method: req.method, url: redactUrl(req.url ?? '') },
      'client aborted its request body',
    )
    res.destroy()
    return
  }
  if (res.headersSent) {
    // Nothing sensible can be sent any more; cut the response short so the client sees a failure.
    deps.logger?.error(
      { err: error, method: req.method, url: redactUrl(req.url ?? '') },
      'API response failed',
    )
    res.destroy()
    return
  }
  const refusal = toApiError(error)
  if (refusal instanceof ApiError) {
    if (refusal.closeConnection) res.shouldKeepAlive = false
    sendApiError(res, refusal.status, refusal.code, refusal.message, refusal.headers)
    return
  }
  deps.logger?.error({ err: error, method: req.method, url: redactUrl(req.url ?? '') }, 'API request failed')
  sendApiError(res, HTTP_STATUS.INTERNAL_ERROR, API_ERROR_CODES.INTERNAL_ERROR, 'internal error')
}

/** Typed refusals from the layers below, as the status and code they stand for. */
function toApiError(error: unknown): unknown {
  if (error instanceof AuthError) return ApiError.fromAuth(error)
  if (error instanceof ContentLimitError || error instanceof LimitExceededError) {
    return new ApiError(HTTP_STATUS.PAYLOAD_TOO_LARGE, API_ERROR_CODES.CONTENT_TOO_LARGE, error.message)
  }
  if (error instanceof ContentWorkerError) return contentWorkerRefusal(error)
  return error
}

/**
 * A job the content worker did not do: too big for its time or memory (413), a version it cannot
 * restore (422), or not now (503).
 */
function contentWorkerRefusal(error: ContentWorkerError): ApiError | ContentWorkerError {
  switch (error.failure) {
    case 'timeout':
    case 'out-of-memory':
      return new ApiError(HTTP_STATUS.PAYLOAD_TOO_LARGE, API_ERROR_CODES.CONTENT_TOO_LARGE, error.message)
    case 'busy':
      return new ApiError(
        HTTP_STATUS.SERVICE_UNAVAILABLE,
        API_ERROR_CODES.SERVICE_UNAVAILABLE,
        error.message,
        {
          headers: { 'Retry-After': String(CONTENT_BUSY_RETRY_AFTER_SECONDS) },
        },
      )
    case 'not-restorable':
      return new ApiError(
        HTTP_STATUS.UNPROCESSABLE_CONTENT,
        API_ERROR_CODES.VERSION_NOT_RESTORABLE,
        error.message,
      )
    case 'crashed':
      // Unexpected: logged as a 500 with its message.
      return error
  }
}

function readPathname(url: string | undefined): string {
  const end = url?.search(/[?#]/) ?? -1
  return url === undefined ? '/' : end === -1 ? url : url.slice(0, end)
}
