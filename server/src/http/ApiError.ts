/**
 * A refused HTTP request (an API call, a WebSocket upgrade or its probe): status, machine code and a
 * message safe to send. `ApiError.fromAuth` is the one place a refused credential gets its status.
 */
import { API_ERROR_CODES, type ApiErrorCode, HTTP_STATUS, type HttpStatus } from '@tandem/shared'
import type { AuthError } from '../auth/AuthError'

export interface ApiErrorOptions {
  /** Extra response headers, e.g. `Allow` on 405 or `Retry-After` on 429. */
  headers?: Readonly<Record<string, string>>
  /** Close the connection after answering (an oversized body we will not read to its end). */
  closeConnection?: boolean
}

/** RFC 6750: a refused Bearer token is answered with the scheme and why. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'

export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: HttpStatus
  readonly code: ApiErrorCode
  readonly headers: Readonly<Record<string, string>>
  readonly closeConnection: boolean

  constructor(status: HttpStatus, code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message)
    this.status = status
    this.code = code
    this.headers = options.headers ?? {}
    this.closeConnection = options.closeConnection ?? false
  }

  /**
   * 403 `forbidden` for a token that will never do, 410 `gone` for a deleted document; 401
   * `unauthorized` with a Bearer challenge otherwise.
   */
  static fromAuth(error: AuthError): ApiError {
    if (error.status === HTTP_STATUS.FORBIDDEN) {
      return new ApiError(error.status, API_ERROR_CODES.FORBIDDEN, error.reason)
    }
    if (error.status === HTTP_STATUS.GONE)
      return new ApiError(error.status, API_ERROR_CODES.GONE, error.reason)
    return new ApiError(error.status, API_ERROR_CODES.UNAUTHORIZED, error.reason, {
      headers: { 'WWW-Authenticate': INVALID_TOKEN_CHALLENGE },
    })
  }
}
