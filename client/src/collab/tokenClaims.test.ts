// @vitest-environment node
import { createToken } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import { isTokenExpired, readTokenClaims } from './tokenClaims'

describe('readTokenClaims', () => {
  it('reads the claims of a token minted by createToken, including non-ASCII names', async () => {
    const token = await createToken({
      secret: 's'.repeat(32),
      sub: 'u1',
      room: 'doc-1',
      role: 'viewer',
      name: 'Zoë 🦊',
    })
    expect(readTokenClaims(token)).toMatchObject({ sub: 'u1', room: 'doc-1', role: 'viewer', name: 'Zoë 🦊' })
  })

  it('returns undefined for something that is not a JWT', () => {
    expect(readTokenClaims('not-a-token')).toBeUndefined()
    expect(readTokenClaims('a.%%%.c')).toBeUndefined()
  })

  it('knows when a token expired', async () => {
    const token = await createToken({
      secret: 's'.repeat(32),
      sub: 'u1',
      room: '*',
      role: 'editor',
      ttlSeconds: 60,
    })
    expect(isTokenExpired(token, Date.now())).toBe(false)
    expect(isTokenExpired(token, Date.now() + 61_000)).toBe(true)
    expect(isTokenExpired('opaque', Date.now())).toBe(false)
  })
})
