import { createHmac } from 'node:crypto'
import { createToken } from '@tandem/shared'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { AuthError, type AuthFailure } from './AuthError'
import { MAX_TOKEN_LENGTH, TokenVerifier } from './TokenVerifier'

const SECRET = 'test-secret-0123456789abcdef0123456789'
const key = new TextEncoder().encode(SECRET)
const nowSeconds = () => Math.floor(Date.now() / 1000)
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function sign(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256' },
  secret = key,
) {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(secret)
}

const validClaims = () => ({ sub: 'u1', room: 'room-1', role: 'editor', exp: nowSeconds() + 60 })

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(AuthError)
  return error as AuthError
}

async function expectRefused(token: string, failure: AuthFailure, status: number, room?: string) {
  const error = await refusal(new TokenVerifier(SECRET).verify(token, room))
  expect({ failure: error.failure, status: error.status }).toEqual({ failure, status })
  // The reason goes to clients: it must never echo the token back.
  if (token !== '') expect(error.reason).not.toContain(token.slice(0, 20))
}

async function expectRefusedBy(verifier: TokenVerifier, token: string, failure: AuthFailure, status = 401) {
  const error = await refusal(verifier.verify(token))
  expect({ failure: error.failure, status: error.status }).toEqual({ failure, status })
}

describe('TokenVerifier', () => {
  it('returns typed claims of a token minted by createToken', async () => {
    const token = await createToken({
      secret: SECRET,
      sub: 'u1',
      room: 'room-1',
      role: 'viewer',
      name: 'Ann',
      ttlSeconds: 60,
    })
    const claims = await new TokenVerifier(SECRET).verify(token, 'room-1')
    expect(claims).toMatchObject({ sub: 'u1', room: 'room-1', role: 'viewer', name: 'Ann' })
    expect(claims.exp - nowSeconds()).toBeGreaterThan(55)
    expect(typeof claims.iat).toBe('number')
  })

  it('accepts a "*" room token for any room', async () => {
    const token = await sign({ ...validClaims(), room: '*' })
    await expect(new TokenVerifier(SECRET).verify(token, 'anything')).resolves.toMatchObject({ room: '*' })
  })

  it('refuses an empty token as missing', async () => {
    await expectRefused('', 'MISSING_TOKEN', 401)
  })

  it('refuses garbage and oversized strings as malformed', async () => {
    for (const garbage of [
      'garbage',
      'a.b.c',
      'x'.repeat(MAX_TOKEN_LENGTH + 1),
      `${base64url({ alg: 'HS256' })}.e30`,
    ]) {
      await expectRefused(garbage, 'MALFORMED_TOKEN', 401)
    }
  })

  it('refuses a token signed with another secret', async () => {
    const token = await sign(
      validClaims(),
      { alg: 'HS256' },
      new TextEncoder().encode('another-secret-0123456789abcdef'),
    )
    await expectRefused(token, 'BAD_SIGNATURE', 401)
  })

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign(validClaims())).split('.')
    const forged = `${header}.${base64url({ ...validClaims(), room: '*' })}.${signature}`
    await expectRefused(forged, 'BAD_SIGNATURE', 401)
  })

  it('refuses an unsigned alg:none token crafted by hand', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}.`
    await expectRefused(token, 'ALGORITHM_NOT_ALLOWED', 401)
  })

  it('refuses every algorithm but HS256, even with the right secret', async () => {
    await expectRefused(await sign(validClaims(), { alg: 'HS512' }), 'ALGORITHM_NOT_ALLOWED', 401)
    // RS256 header over an HMAC signature: the classic key-confusion forgery.
    const [, payload, signature] = (await sign(validClaims())).split('.')
    await expectRefused(
      `${base64url({ alg: 'RS256' })}.${payload}.${signature}`,
      'ALGORITHM_NOT_ALLOWED',
      401,
    )
  })

  // jose took the padded and standard-alphabet spellings of the right MAC; only the canonical one passes now.
  it('refuses a signature other than the MAC in base64url: padded, cut, in another alphabet, flipped', async () => {
    const token = await sign(validClaims())
    const dot = token.lastIndexOf('.')
    const [body, signature] = [token.slice(0, dot), token.slice(dot + 1)]
    const standard = Buffer.from(signature, 'base64url').toString('base64')
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
    for (const forged of [`${signature}=`, signature.slice(0, -1), signature.slice(0, -4), flipped, '']) {
      await expectRefused(`${body}.${forged}`, 'BAD_SIGNATURE', 401)
    }
    if (standard !== signature) await expectRefused(`${body}.${standard}`, 'BAD_SIGNATURE', 401)
  })

  it('checks the signature before the claims: a forged expired token is refused as forged', async () => {
    const other = new TextEncoder().encode('another-secret-0123456789abcdef')
    const token = await sign({ ...validClaims(), exp: nowSeconds() - 1 }, { alg: 'HS256' }, other)
    await expectRefused(token, 'BAD_SIGNATURE', 401)
  })

  it('refuses a token whose parts are not base64url JSON objects, or that has more parts', async () => {
    const token = await sign(validClaims())
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const resign = (h: string, p: string) => {
      const mac = createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')
      return `${h}.${p}.${mac}`
    }
    for (const malformed of [
      `${token}.${signature}`,
      resign(Buffer.from('not json').toString('base64url'), payload),
      resign(header, Buffer.from('[1,2]').toString('base64url')),
      resign(header, Buffer.from('"text"').toString('base64url')),
      resign(header, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')),
    ]) {
      await expectRefused(malformed, 'MALFORMED_TOKEN', 401)
    }
  })

  it('refuses ill-typed iat and nbf, and a token at the second its exp names', async () => {
    for (const claims of [
      { ...validClaims(), iat: 'now' },
      { ...validClaims(), nbf: '0' },
    ]) {
      await expectRefused(await sign(claims), 'INVALID_CLAIMS', 401)
    }
    await expectRefused(await sign({ ...validClaims(), exp: nowSeconds() }), 'TOKEN_EXPIRED', 401)
  })

  it('reads names in any script, as jose signs them', async () => {
    const token = await sign({ ...validClaims(), name: 'Zoë 日本 🙂' })
    await expect(new TokenVerifier(SECRET).verify(token)).resolves.toMatchObject({ name: 'Zoë 日本 🙂' })
  })

  it('refuses an expired token', async () => {
    await expectRefused(await sign({ ...validClaims(), exp: nowSeconds() - 1 }), 'TOKEN_EXPIRED', 401)
  })

  it('refuses a token before its nbf, and honours the configured clock tolerance', async () => {
    const token = await sign({ ...validClaims(), nbf: nowSeconds() + 30 })
    await expectRefused(token, 'TOKEN_NOT_YET_VALID', 401)
    await expect(
      new TokenVerifier(SECRET, { clockToleranceSeconds: 60 }).verify(token),
    ).resolves.toMatchObject({ sub: 'u1' })
  })

  it('refuses a valid token for another room with 403', async () => {
    await expectRefused(await sign(validClaims()), 'WRONG_ROOM', 403, 'room-2')
  })

  it('refuses missing or ill-typed required claims', async () => {
    const { sub: _sub, ...noSub } = validClaims()
    const { exp: _exp, ...noExp } = validClaims()
    const { room: _room, ...noRoom } = validClaims()
    const { role: _role, ...noRole } = validClaims()
    const bad = [
      noSub,
      noExp,
      noRoom,
      noRole,
      { ...validClaims(), sub: '' },
      { ...validClaims(), sub: 42 },
      { ...validClaims(), exp: 'tomorrow' },
      { ...validClaims(), role: 'admin' },
      { ...validClaims(), room: '../etc' },
      { ...validClaims(), room: 7 },
      { ...validClaims(), name: { first: 'Ann' } },
      { ...validClaims(), shareKeyId: 1 },
    ]
    for (const claims of bad) {
      const error = await refusal(new TokenVerifier(SECRET).verify(await sign(claims)))
      expect(error.status, JSON.stringify(claims)).toBe(401)
      expect(error.failure, JSON.stringify(claims)).toBe('INVALID_CLAIMS')
    }
  })

  it('refuses a token whose lifetime exceeds the maximum, from now or from its iat', async () => {
    const year5000 = Math.floor(Date.UTC(5000, 0, 1) / 1000)
    for (const claims of [
      { ...validClaims(), exp: year5000 },
      { ...validClaims(), exp: 1e308 },
      { ...validClaims(), iat: nowSeconds(), exp: nowSeconds() + 31 * 86_400 },
      // Issued long ago for long: exp is near, but the lifetime it was minted with is not allowed.
      { ...validClaims(), iat: nowSeconds() - 40 * 86_400, exp: nowSeconds() + 60 },
    ]) {
      const error = await refusal(new TokenVerifier(SECRET).verify(await sign(claims)))
      expect({ failure: error.failure, status: error.status }, JSON.stringify(claims)).toEqual({
        failure: 'LIFETIME_TOO_LONG',
        status: 401,
      })
    }
    const withinDefault = { ...validClaims(), iat: nowSeconds(), exp: nowSeconds() + 30 * 86_400 }
    await expect(new TokenVerifier(SECRET).verify(await sign(withinDefault))).resolves.toMatchObject({
      sub: 'u1',
    })
    const noIat = await sign({ ...validClaims(), exp: nowSeconds() + 3600 })
    await expect(new TokenVerifier(SECRET).verify(noIat)).resolves.toMatchObject({ sub: 'u1' })
    await expectRefusedBy(new TokenVerifier(SECRET, { maxLifetimeSeconds: 600 }), noIat, 'LIFETIME_TOO_LONG')
  })

  it('refuses a token issued in the future, which would stretch its lifetime', async () => {
    const token = await sign({ ...validClaims(), iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 })
    await expectRefused(token, 'TOKEN_NOT_YET_VALID', 401)
  })

  it('refuses a share-key token for every room', async () => {
    const token = await sign({ ...validClaims(), room: '*', shareKeyId: 'k1' })
    await expectRefused(token, 'INVALID_CLAIMS', 401)
  })

  it('refuses a share-key token once its key is no longer active, and keeps others', async () => {
    const active = new Set(['room-1 k1'])
    const verifier = new TokenVerifier(SECRET, {
      shareKeys: {
        isActive: async (documentId, keyId) => active.has(`${documentId} ${keyId}`),
        isDocumentDeleted: async () => false,
      },
    })
    const token = await sign({ ...validClaims(), shareKeyId: 'k1' })
    await expect(verifier.verify(token, 'room-1')).resolves.toMatchObject({ shareKeyId: 'k1' })
    active.clear()
    await expectRefusedBy(verifier, token, 'ACCESS_REVOKED', 403)
    await expect(verifier.verify(await sign(validClaims()), 'room-1')).resolves.toMatchObject({ sub: 'u1' })
  })

  it('refuses a token without a key for a deleted document (410), for that room only', async () => {
    const deleted = new Set(['room-1'])
    const verifier = new TokenVerifier(SECRET, {
      shareKeys: {
        isActive: async () => true,
        isDocumentDeleted: async (documentId) => deleted.has(documentId),
      },
    })
    await expectRefusedBy(verifier, await sign(validClaims()), 'DOCUMENT_DELETED', 410)
    const admin = await sign({ ...validClaims(), room: '*' })
    const refused = await refusal(verifier.verify(admin, 'room-1'))
    expect({ failure: refused.failure, status: refused.status }).toEqual({
      failure: 'DOCUMENT_DELETED',
      status: 410,
    })
    await expect(verifier.verify(admin, 'room-2')).resolves.toMatchObject({ room: '*' })
    // An admin token on a route of no document (the list) has nothing to check.
    await expect(verifier.verify(admin)).resolves.toMatchObject({ room: '*' })
  })

  it('refuses to be built without a secret', () => {
    expect(() => new TokenVerifier('')).toThrow()
  })
})
