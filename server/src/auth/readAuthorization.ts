/** Parses the `Authorization` header into a scheme Tandem knows and its credentials. */
import type { IncomingMessage } from 'node:http'
import { SHARE_KEY_AUTH_SCHEME } from '@tandem/shared'

/** `Bearer <token>` (a connection token) or `ShareKey <key>` (a share link's key). */
export type Authorization =
  | { readonly scheme: 'bearer'; readonly credentials: string }
  | { readonly scheme: 'share-key'; readonly credentials: string }

const SCHEMES = { bearer: 'bearer', [SHARE_KEY_AUTH_SCHEME.toLowerCase()]: 'share-key' } as const

/**
 * The request's Authorization, or undefined when the header is absent, empty or uses another
 * scheme (e.g. Basic added by a proxy), so callers can fall back to other ways of passing a token.
 * Scheme names are case-insensitive (RFC 9110).
 */
export function readAuthorization(request: Pick<IncomingMessage, 'headers'>): Authorization | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^([A-Za-z][A-Za-z0-9-]*) +(\S+) *$/.exec(header)
  if (!match) return undefined
  const scheme = SCHEMES[match[1]!.toLowerCase()]
  if (scheme === undefined) return undefined
  return { scheme, credentials: match[2]! }
}
