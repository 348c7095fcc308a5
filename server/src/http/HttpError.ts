/** An error that becomes an HTTP status at the one boundary that answers the request or upgrade. */
import type { HttpStatus } from '@tandem/shared'

export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: HttpStatus,
    /** Short machine-readable code, e.g. `invalid_room`. */
    readonly code: string,
    /** Safe to show the client: never contains a token or secret. */
    message: string,
  ) {
    super(message)
  }
}
