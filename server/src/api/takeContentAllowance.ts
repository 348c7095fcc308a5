/** The content routes' own rate limit: rendering and importing cost far more than other API calls. */
import type { IncomingMessage } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import type { ResolvedApiDeps } from './ApiContext'

/** Spends one of the caller's content allowance (per client address), or throws 429 with `Retry-After`. */
export function takeContentAllowance(req: IncomingMessage, deps: ResolvedApiDeps): void {
  const decision = deps.contentRateLimiter.take(deps.clientAddress(req))
  if (!decision.allowed) {
    throw new ApiError(
      HTTP_STATUS.TOO_MANY_REQUESTS,
      API_ERROR_CODES.RATE_LIMITED,
      'too many content requests',
      {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
      },
    )
  }
}
