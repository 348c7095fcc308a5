/** HTTP statuses the server answers with, on the upgrade and on the HTTP API. Mirrored in docs/protocol.md. */
export const HTTP_STATUS = {
  OK: 200,
  CREATED: 201,
  NO_CONTENT: 204,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The document was deleted: its room and routes are gone for every token. */
  GONE: 410,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A plain GET of `/ws/<room>?token=` whose upgrade would be accepted (the upgrade probe). */
  /** A version the server cannot restore (its tree is not one the editor wrote): nothing changed. */
  UNPROCESSABLE_CONTENT: 422,
  UPGRADE_REQUIRED: 426,
  TOO_MANY_REQUESTS: 429,
  /** Sent by Node's HTTP parser when the request headers exceed its limit (16 KiB). */
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const

export type HttpStatus = (typeof HTTP_STATUS)[keyof typeof HTTP_STATUS]
