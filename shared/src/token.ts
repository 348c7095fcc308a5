/** Connection token claims (the contract embedders rely on; see docs/auth.md) and a Node-side minter. */

/** Editors change the text and comment; commenters read and comment; viewers only read. */
export const ROLES = ['editor', 'commenter', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Whether `value` is one of ROLES: for claims, request fields, flags and rows read from outside. */
export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value)
}

/** The only signing algorithm the server accepts. */
export const TOKEN_ALGORITHM = 'HS256'

/** Room claim value that grants every room. */
export const ANY_ROOM = '*'

export interface TokenClaims {
  /** User id (required). */
  sub: string
  /** Display name. */
  name?: string
  /** Room name, or `"*"` for every room. */
  room: string
  role: Role
  /** Expiry, seconds since the epoch (required). */
  exp: number
  iat?: number
  /**
   * Set on tokens exchanged for a share key (`POST /api/token`): the key's id, so the server can end
   * those sessions when the key is revoked. Absent on tokens minted by embedders.
   */
  shareKeyId?: string
}

export interface CreateTokenOptions {
  secret: string
  sub: string
  room: string
  role: Role
  name?: string
  /** Lifetime in seconds. Default 3600. */
  ttlSeconds?: number
  /** See `TokenClaims.shareKeyId`. */
  shareKeyId?: string
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600

/** Mints an HS256 connection token. For servers and scripts: the secret must never reach a browser. */
export async function createToken(options: CreateTokenOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS
  const claims: Record<string, unknown> = { room: options.room, role: options.role }
  if (options.name !== undefined) claims.name = options.name
  if (options.shareKeyId !== undefined) claims.shareKeyId = options.shareKeyId
  // Loaded on first use: importing jose is ~40 ms of CPU, a sixth of a server's start, and a
  // server only signs on a token exchange (it verifies with node:crypto, readSignedClaims).
  const { SignJWT } = await import('jose')
  return new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(options.secret))
}
