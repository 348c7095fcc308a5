/** A refused API request: status, machine code and a message safe to send, turned into JSON at the boundary. */
import type { ApiErrorCode, HttpStatus } from '@tandem/shared'

export interface ApiErrorOptions {
  /** Extra response headers, e.g. `Allow` on 405 or `Retry-After` on 429. */
  headers?: Readonly<Record<string, string>>
  /** Close the connection after answering (an oversized body we will not read to its end). */
  closeConnection?: boolean
}

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
}
