/** Authenticates a WebSocket upgrade request for one room, and redacts secrets from URLs for logs. */
import type { IncomingMessage } from 'node:http'
import type { TokenClaims } from '@tandem/shared'
import { AuthError } from './AuthError'
import { readAuthorization } from './readAuthorization'
import type { TokenVerifier } from './TokenVerifier'

/** Query parameter that carries the token (what y-websocket's `params` option produces). */
export const TOKEN_QUERY_PARAM = 'token'

/** Query parameters whose values never reach a log line. */
export const REDACTED_QUERY_PARAMS: readonly string[] = [TOKEN_QUERY_PARAM, 'key', 'shareKey']

const REDACTED = '[redacted]'

/**
 * The token of an upgrade request: `Authorization: Bearer <token>` when present (servers), otherwise
 * the `?token=` query parameter (browsers cannot set headers on a WebSocket). Undefined when neither.
 */
export function readUpgradeToken(request: Pick<IncomingMessage, 'headers' | 'url'>): string | undefined {
  const authorization = readAuthorization(request)
  if (authorization?.scheme === 'bearer') return authorization.credentials
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams
  return query.get(TOKEN_QUERY_PARAM) || undefined
}

/**
 * Verifies the upgrade's token for `room` (a room claim equal to it or `"*"`). Resolves with the
 * claims; rejects with AuthError: 401 for a missing or bad token, 403 for a valid token for another
 * room. Call before `handleUpgrade`, so a refused client never gets a socket or a room.
 */
export async function authenticateUpgrade(
  request: Pick<IncomingMessage, 'headers' | 'url'>,
  room: string,
  verifier: Pick<TokenVerifier, 'verify'>,
): Promise<TokenClaims> {
  const token = readUpgradeToken(request)
  if (token === undefined) throw new AuthError('MISSING_TOKEN')
  return verifier.verify(token, room)
}

/**
 * `url` (a request target like `/ws/room?token=...`, or a share link `/d/id#key=...`) with the values
 * of `token`, `key` and `shareKey` parameters in the query and the fragment replaced by `[redacted]`.
 * Everything else is kept byte for byte.
 */
export function redactUrl(url: string): string {
  const hashStart = url.indexOf('#')
  const beforeHash = hashStart === -1 ? url : url.slice(0, hashStart)
  const queryStart = beforeHash.indexOf('?')
  let result =
    queryStart === -1
      ? beforeHash
      : `${beforeHash.slice(0, queryStart + 1)}${redactPairs(beforeHash.slice(queryStart + 1))}`
  if (hashStart !== -1) result += `#${redactPairs(url.slice(hashStart + 1))}`
  return result
}

function redactPairs(pairs: string): string {
  return pairs
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const rawName = eq === -1 ? pair : pair.slice(0, eq)
      return REDACTED_QUERY_PARAMS.includes(decodeName(rawName)) ? `${rawName}=${REDACTED}` : pair
    })
    .join('&')
}

/** Decodes like URLSearchParams does, so `%74oken=` and `token=` are both caught. */
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return raw
  }
}
