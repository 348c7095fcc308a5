/** Plain HTTP: health, readiness, metrics, the JSON API and the built web app. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import sirv from 'sirv'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { ApiError } from './ApiError'
import { setSecurityHeaders } from './securityHeaders'
import { sendApiError, sendJson } from './sendJson'

/** Handles `/api/*`; resolves true when it was an /api path (answered, even with 404), false otherwise. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>

/** One named readiness check: `ok`, or why not. */
export type ReadinessCheck = () => { readonly name: string; readonly ok: boolean; readonly detail?: string }

export interface RequestHandlerOptions {
  readonly metrics: Metrics
  readonly logger: Logger
  readonly readiness: readonly ReadinessCheck[]
  readonly api: ApiHandler | undefined
  /** Serves `/uploads/*` (signed image URLs); resolves false for other paths. */
  readonly uploads?: ApiHandler
  readonly staticDir: string | undefined
  /** Answers a plain GET of `/ws/<room>?token=` with what the upgrade would (see createUpgradeProbe). */
  readonly probeUpgrade?: (req: IncomingMessage) => Promise<ApiError>
  /** Origins allowed to frame `/embed/*` (`EMBED_ORIGINS`); the app itself is never framed. */
  readonly embedOrigins: readonly string[]
}

const RESERVED_PREFIXES = ['/api/', '/ws/', '/uploads/']

export function createRequestHandler(options: RequestHandlerOptions) {
  const { metrics, logger } = options
  const serveStatic = options.staticDir
    ? sirv(options.staticDir, { single: true, etag: true, gzip: true, brotli: true })
    : undefined

  const notFound = (res: ServerResponse) =>
    sendApiError(res, HTTP_STATUS.NOT_FOUND, API_ERROR_CODES.NOT_FOUND, 'nothing here')

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    setSecurityHeaders(res, path, options.embedOrigins)
    try {
      if (path === '/healthz') return sendJson(res, HTTP_STATUS.OK, { status: 'ok' })
      if (path === '/readyz') {
        const checks = options.readiness.map((check) => check())
        const ready = checks.every((check) => check.ok)
        return sendJson(res, ready ? HTTP_STATUS.OK : HTTP_STATUS.SERVICE_UNAVAILABLE, {
          status: ready ? 'ready' : 'not ready',
          checks: Object.fromEntries(
            checks.map((check) => [check.name, check.ok ? 'ok' : (check.detail ?? 'failing')]),
          ),
        })
      }
      if (path === '/metrics') {
        const text = await metrics.registry.metrics()
        res.writeHead(HTTP_STATUS.OK, { 'Content-Type': metrics.registry.contentType })
        res.end(text)
        return
      }
      if (options.api && (await options.api(req, res))) return
      if (options.uploads && (await options.uploads(req, res))) return
      if (
        options.probeUpgrade &&
        path.startsWith('/ws/') &&
        (req.method === 'GET' || req.method === 'HEAD')
      ) {
        const answer = await options.probeUpgrade(req)
        // Script-tag embeds probe from the host's origin; the answer holds no more than a connect would.
        res.setHeader('Access-Control-Allow-Origin', '*')
        return sendApiError(res, answer.status, answer.code, answer.message, answer.headers)
      }
      if (RESERVED_PREFIXES.some((prefix) => path.startsWith(prefix)) || !serveStatic) return notFound(res)
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendApiError(
          res,
          HTTP_STATUS.METHOD_NOT_ALLOWED,
          API_ERROR_CODES.METHOD_NOT_ALLOWED,
          'use GET',
          {
            Allow: 'GET, HEAD',
          },
        )
      }
      serveStatic(req, res, () => notFound(res))
    } catch (error) {
      if (error instanceof ApiError)
        return sendApiError(res, error.status, error.code, error.message, error.headers)
      logger.error({ err: error, method: req.method, path }, 'request failed')
      if (!res.headersSent)
        sendApiError(res, HTTP_STATUS.INTERNAL_ERROR, API_ERROR_CODES.INTERNAL_ERROR, 'internal error')
      else res.destroy()
    }
  }
}
