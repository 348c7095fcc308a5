/**
 * Mints Tandem connection tokens (HS256 JWTs) with node:crypto, so the SDK has no dependencies. The
 * claims are the server's contract (docs/auth.md): `sub`, `room` (or "*"), `role`, `name`, `iat`, `exp`.
 */
import { createHmac } from 'node:crypto'

export type Role = 'editor' | 'commenter' | 'viewer'

/** Room claim that grants every room: with role editor, an admin token. */
export const ANY_ROOM = '*'

export interface MintTokenOptions {
  /** TANDEM_SECRET of the server. Never send it to a browser. */
  readonly secret: string
  /** The user's stable id. */
  readonly sub: string
  /** A document id, or ANY_ROOM. */
  readonly room: string
  readonly role: Role
  /** Display name others see (at most 100 characters). */
  readonly name?: string
  /** Lifetime in seconds. Default 3600; the server refuses tokens living longer than MAX_TOKEN_TTL. */
  readonly ttlSeconds?: number
  /** Seconds since the epoch; default now. */
  readonly now?: number
}

const DEFAULT_TTL_SECONDS = 3600

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}

/** A token the Tandem server accepts on the WebSocket upgrade (`?token=`) and the API (`Bearer`). */
export function mintToken(options: MintTokenOptions): string {
  if (options.sub === '') throw new TypeError('mintToken: sub must not be empty')
  const iat = Math.floor(options.now ?? Date.now() / 1000)
  const claims: Record<string, unknown> = {
    sub: options.sub,
    room: options.room,
    role: options.role,
    iat,
    exp: iat + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS),
  }
  if (options.name !== undefined) claims.name = options.name
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`
  const signature = createHmac('sha256', options.secret).update(signingInput).digest()
  return `${signingInput}.${base64url(signature)}`
}

/** An admin token: role editor for every room (list and delete documents, create them when public creation is off). */
export function mintAdminToken(
  secret: string,
  options: { sub?: string; name?: string; ttlSeconds?: number } = {},
): string {
  return mintToken({ secret, sub: options.sub ?? 'server-sdk', room: ANY_ROOM, role: 'editor', ...options })
}
