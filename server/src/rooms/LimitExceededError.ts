/** A client message refused because it would break a configured limit; carries the close code to use. */
import type { CloseCode } from '@tandem/shared'
import type { LimitName } from '../metrics'

export class LimitExceededError extends Error {
  override name = 'LimitExceededError'

  constructor(
    readonly limit: LimitName,
    readonly closeCode: CloseCode,
    message: string,
  ) {
    super(message)
  }
}
