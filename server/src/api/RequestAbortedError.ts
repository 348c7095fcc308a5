/** The client went away before its request body ended: nobody is left to answer, nothing went wrong here. */

/** Thrown by body readers; the API boundary logs it at debug and drops the connection. */
export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError'
}
