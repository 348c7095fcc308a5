/** Reads a connection token's claims in the browser, for display and scheduling only (never for access). */
import { isRole, type Role } from '@tandem/shared'

/** The claims the client uses; the server verifies the signature, the client only reads. */
export interface ReadableClaims {
  sub: string | undefined
  name: string | undefined
  room: string | undefined
  role: Role | undefined
  /** Expiry, seconds since the epoch. */
  exp: number | undefined
}

/** Decodes the payload of a JWT without verifying it; undefined when it is not a readable JWT. */
export function readTokenClaims(token: string): ReadableClaims | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=')
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof claims !== 'object' || claims === null) return undefined
    const record = claims as Record<string, unknown>
    return {
      sub: typeof record.sub === 'string' ? record.sub : undefined,
      name: typeof record.name === 'string' ? record.name : undefined,
      room: typeof record.room === 'string' ? record.room : undefined,
      role: isRole(record.role) ? record.role : undefined,
      exp: typeof record.exp === 'number' ? record.exp : undefined,
    }
  } catch {
    return undefined
  }
}

/** True when the token carries an expiry that has passed at `nowMs`. */
export function isTokenExpired(token: string, nowMs: number): boolean {
  const exp = readTokenClaims(token)?.exp
  return exp !== undefined && exp * 1000 <= nowMs
}
