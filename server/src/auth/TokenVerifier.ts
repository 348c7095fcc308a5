/** Verifies connection tokens (HS256 JWTs, claims in @tandem/shared) into typed claims or an AuthError. */
import { ANY_ROOM, hasUnsafeTextCharacters, isRole, isValidRoomName, type TokenClaims } from '@tandem/shared'
import { AuthError } from './AuthError'
import { type ClaimsSet, readSignedClaims } from './readSignedClaims'
import type { ShareKeyStatus } from './ShareKeyStatus'

/** Longer strings are refused before any parsing or HMAC work. */
export const MAX_TOKEN_LENGTH = 8192

export interface TokenVerifierOptions {
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default 0. */
  clockToleranceSeconds?: number
  /**
   * Longest lifetime accepted: `exp` at most this far from now, and from `iat` when present
   * (`MAX_TOKEN_TTL`). Default DEFAULT_MAX_TOKEN_TTL_SECONDS (30 days).
   */
  maxLifetimeSeconds?: number
  /**
   * When given, a token carrying `shareKeyId` is refused (403) unless that key is still a current key
   * of the token's room. Without it, revoking a key cannot end its tokens before their `exp`.
   */
  shareKeys?: Pick<ShareKeyStatus, 'isActive' | 'isDocumentDeleted'>
}

/** 30 days: a token that cannot be revoked must not outlive a month (`MAX_TOKEN_TTL`). */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 30 * 86_400

/** True when `claims` grant `room`: the room claim names it or is `"*"`. */
export function grantsRoom(claims: Pick<TokenClaims, 'room'>, room: string): boolean {
  return claims.room === ANY_ROOM || claims.room === room
}

export class TokenVerifier {
  private readonly key: Uint8Array
  private readonly clockToleranceSeconds: number
  private readonly maxLifetimeSeconds: number
  private readonly shareKeys: Pick<ShareKeyStatus, 'isActive' | 'isDocumentDeleted'> | undefined

  /** `secret` is the HS256 shared secret (TANDEM_SECRET or the generated one). */
  constructor(secret: string, options: TokenVerifierOptions = {}) {
    if (secret === '') throw new Error('TokenVerifier needs a non-empty secret')
    this.key = new TextEncoder().encode(secret)
    this.clockToleranceSeconds = options.clockToleranceSeconds ?? 0
    this.maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS
    this.shareKeys = options.shareKeys
  }

  /**
   * The token's claims when it is a well-formed HS256 JWT signed with the secret, not expired, not
   * before its `nbf`, with a string `sub`, a numeric `exp`, a valid `room` and `role`; and, when `room`
   * is given, granting that room; with a lifetime within the maximum; and, when it came from a share
   * key, that key still current, and otherwise the room not a deleted document. Throws AuthError
   * otherwise (401, 403 for another room or a revoked key, 410 for a deleted document).
   */
  async verify(token: string, room?: string): Promise<TokenClaims> {
    if (token === '') throw new AuthError('MISSING_TOKEN')
    if (token.length > MAX_TOKEN_LENGTH) throw new AuthError('MALFORMED_TOKEN', 'token too long')
    // HS256 only: the algorithm is pinned there, which refuses `alg: none` and RS/HS confusion.
    const payload = readSignedClaims(token, this.key, {
      requiredClaims: ['sub', 'exp'],
      clockToleranceSeconds: this.clockToleranceSeconds,
      nowSeconds: Math.floor(Date.now() / 1000),
    })
    const claims = readClaims(payload)
    this.checkLifetime(claims)
    if (room !== undefined && !grantsRoom(claims, room)) {
      throw new AuthError('WRONG_ROOM', `token room ${JSON.stringify(claims.room)}`)
    }
    // readClaims refused shareKeyId on "*" tokens, so the room claim names the key's document.
    if (claims.shareKeyId !== undefined && this.shareKeys !== undefined) {
      if (!(await this.shareKeys.isActive(claims.room, claims.shareKeyId))) {
        throw new AuthError('ACCESS_REVOKED', `share key ${claims.shareKeyId}`)
      }
    } else if (this.shareKeys !== undefined) {
      // A token minted without a key (by an app's server, or "*") would otherwise reopen a deleted
      // document's room as a new, empty document until it expires.
      const document = room ?? (claims.room === ANY_ROOM ? undefined : claims.room)
      if (document !== undefined && (await this.shareKeys.isDocumentDeleted(document))) {
        throw new AuthError('DOCUMENT_DELETED', document)
      }
    }
    return claims
  }

  /**
   * Bounds what a leaked token is worth: `exp` at most the maximum from now (tokens without `iat`
   * included), `exp - iat` within it too, and `iat` not in the future (which would stretch the first
   * rule's window). A token the server cannot revoke must expire within the maximum.
   */
  private checkLifetime(claims: TokenClaims): void {
    const now = Math.floor(Date.now() / 1000)
    const slack = this.clockToleranceSeconds
    if (claims.iat !== undefined && claims.iat > now + slack) {
      throw new AuthError('TOKEN_NOT_YET_VALID', 'iat: in the future')
    }
    const issuedAt = claims.iat ?? now
    if (
      claims.exp - now > this.maxLifetimeSeconds + slack ||
      claims.exp - issuedAt > this.maxLifetimeSeconds + slack
    ) {
      throw new AuthError('LIFETIME_TOO_LONG', `exp ${claims.exp}, iat ${claims.iat ?? 'absent'}`)
    }
  }
}

/** readSignedClaims checked the signature and the registered claims' types; the Tandem claims are checked here. */
function readClaims(payload: ClaimsSet): TokenClaims {
  const { sub, exp, iat, room, role, name, shareKeyId } = payload
  const invalid = (claim: string) => new AuthError('INVALID_CLAIMS', `${claim}: invalid`)
  if (typeof sub !== 'string' || sub === '') throw invalid('sub')
  if (typeof exp !== 'number') throw invalid('exp')
  if (typeof room !== 'string' || (room !== ANY_ROOM && !isValidRoomName(room))) throw invalid('room')
  if (!isRole(role)) throw invalid('role')
  // The name is shown to everyone in the room: the same rule as names and titles on the API.
  if (name !== undefined && (typeof name !== 'string' || hasUnsafeTextCharacters(name))) throw invalid('name')
  if (shareKeyId !== undefined && typeof shareKeyId !== 'string') throw invalid('shareKeyId')
  // A share key belongs to one document: a key-derived token for every room is a contradiction.
  if (shareKeyId !== undefined && room === ANY_ROOM) throw invalid('shareKeyId')
  const claims: TokenClaims = { sub, exp, room, role }
  if (name !== undefined) claims.name = name
  if (typeof iat === 'number') claims.iat = iat
  if (shareKeyId !== undefined) claims.shareKeyId = shareKeyId
  return claims
}
