/** Why a token or share key was refused, with the HTTP status and a reason safe to send to the client. */
import { HTTP_STATUS } from '@tandem/shared'

/** Every way authentication fails. 401: present a (new) token; 403: this token will never do; 410: nor will any other. */
export const AUTH_FAILURES = {
  MISSING_TOKEN: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'missing token' },
  MALFORMED_TOKEN: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'malformed token' },
  BAD_SIGNATURE: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'invalid token signature' },
  ALGORITHM_NOT_ALLOWED: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'token algorithm not allowed' },
  TOKEN_EXPIRED: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'token expired' },
  TOKEN_NOT_YET_VALID: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'token not yet valid' },
  INVALID_CLAIMS: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'invalid token claims' },
  LIFETIME_TOO_LONG: { status: HTTP_STATUS.UNAUTHORIZED, reason: 'token lifetime exceeds the maximum' },
  WRONG_ROOM: { status: HTTP_STATUS.FORBIDDEN, reason: 'token not valid for this room' },
  ACCESS_REVOKED: { status: HTTP_STATUS.FORBIDDEN, reason: 'access revoked' },
  DOCUMENT_DELETED: { status: HTTP_STATUS.GONE, reason: 'document deleted' },
} as const

export type AuthFailure = keyof typeof AUTH_FAILURES
export type AuthStatus = (typeof AUTH_FAILURES)[AuthFailure]['status']

/**
 * A refused credential. `status` and `reason` may go to the client as they are; `detail` (which
 * claim, what jose said) is for server logs only and never contains the token.
 */
export class AuthError extends Error {
  override name = 'AuthError'
  readonly failure: AuthFailure
  readonly status: AuthStatus
  readonly reason: string
  readonly detail: string | undefined

  constructor(failure: AuthFailure, detail?: string, options?: { cause?: unknown }) {
    const { status, reason } = AUTH_FAILURES[failure]
    super(reason, options)
    this.failure = failure
    this.status = status
    this.reason = reason
    this.detail = detail
  }
}
