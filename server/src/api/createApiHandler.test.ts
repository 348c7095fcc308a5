import { once } from 'node:events'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type ApiErrorBody,
  type CreateDocumentResponse,
  createToken,
  type DocumentInfoResponse,
  isValidRoomName,
  type ShareLink,
  type TokenResponse,
} from '@tandem/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { testRoomContext } from '../../test/helpers/roomContext'
import { TokenVerifier } from '../auth/TokenVerifier'
import { RateLimiter } from '../http/RateLimiter'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import { RoomRegistry } from '../rooms/RoomRegistry'
import type { ApiDeps } from './ApiContext'
import { createApiHandler } from './createApiHandler'

const SECRET = 'api-test-secret-0123456789abcdef0123'
const verifier = new TokenVerifier(SECRET)
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Api {
  base: string
  port: number
  store: MemoryStore
  logged: { details: object; message: string }[]
  revoked: [string, string][]
  call<T = unknown>(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<{ status: number; headers: Headers; body: T }>
}

interface CallOptions {
  json?: unknown
  body?: string
  headers?: Record<string, string>
}

/** A real HTTP server on port 0 whose request listener is the API handler, 418 for anything else. */
async function startApi(overrides: Partial<ApiDeps> = {}): Promise<Api> {
  const store = new MemoryStore()
  const logged: Api['logged'] = []
  const revoked: Api['revoked'] = []
  const { onEmpty: _, ...roomContext } = testRoomContext(store)
  const handler = createApiHandler({
    store,
    rooms: new RoomRegistry(roomContext),
    verifier,
    secret: SECRET,
    config: { allowPublicCreate: true },
    logger: {
      error: (details, message) => logged.push({ details, message }),
      warn: (details, message) => logged.push({ details, message }),
      // Debug lines are what clients cause (aborted bodies); only warnings and errors are checked here.
      debug: () => undefined,
    },
    onShareKeyRevoked: (documentId, keyId) => revoked.push([documentId, keyId]),
    ...overrides,
  })
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('not an api path')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await store.close()
  })
  const port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  return {
    base,
    port,
    store,
    logged,
    revoked,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers }
      let body = options.body
      if (options.json !== undefined) {
        body = JSON.stringify(options.json)
        headers['content-type'] ??= 'application/json'
      }
      const response = await fetch(`${base}${path}`, { method, headers, body })
      const text = await response.text()
      const isJson = response.headers.get('content-type')?.startsWith('application/json')
      return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text }
    },
  }
}

function keyOf(link: ShareLink): string {
  const key = new URL(link.url, 'http://x').hash.replace(/^#key=/, '')
  expect(key.length).toBeGreaterThanOrEqual(22)
  return key
}

async function createDocument(api: Api, title?: string): Promise<CreateDocumentResponse> {
  const response = await api.call<CreateDocumentResponse>(
    'POST',
    '/api/documents',
    title === undefined ? {} : { json: { title } },
  )
  expect(response.status).toBe(201)
  return response.body
}

function exchange(api: Api, documentId: string, shareKey: string, name = 'Ann') {
  return api.call<TokenResponse & ApiErrorBody>('POST', '/api/token', {
    json: { documentId, shareKey, name },
  })
}

function expectError(response: { status: number; body: unknown }, status: number, code: string) {
  expect(response.status).toBe(status)
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } })
}

describe('share-link flow over HTTP', () => {
  it('creates a document with edit and view links, exchanges each key for a token with its role', async () => {
    const api = await startApi()
    const doc = await createDocument(api, '  Minutes  ')
    expect(isValidRoomName(doc.id)).toBe(true)
    expect(doc.title).toBe('Minutes')
    expect(doc.editLink).toMatchObject({
      role: 'editor',
      url: expect.stringMatching(new RegExp(`^/d/${doc.id}#key=`)),
    })
    expect(doc.viewLink).toMatchObject({
      role: 'viewer',
      url: expect.stringMatching(new RegExp(`^/d/${doc.id}#key=`)),
    })
    expect(keyOf(doc.editLink)).not.toBe(keyOf(doc.viewLink))

    for (const [link, role] of [
      [doc.editLink, 'editor'],
      [doc.viewLink, 'viewer'],
    ] as const) {
      const before = Math.floor(Date.now() / 1000)
      const response = await exchange(api, doc.id, keyOf(link), 'Ann')
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.body.role).toBe(role)
      const claims = await verifier.verify(response.body.token, doc.id)
      expect(claims).toMatchObject({ room: doc.id, role, name: 'Ann', shareKeyId: link.keyId })
      expect(claims.sub).toMatch(/^guest-[A-Za-z0-9_-]{16}$/)
      expect(claims.exp).toBe(response.body.expiresAt)
      expect(claims.exp - before).toBeGreaterThanOrEqual(3600)
      expect(claims.exp - before).toBeLessThanOrEqual(3601)
    }
    const first = await exchange(api, doc.id, keyOf(doc.editLink))
    const second = await exchange(api, doc.id, keyOf(doc.editLink))
    const subs = await Promise.all(
      [first, second].map(async (r) => (await verifier.verify(r.body.token)).sub),
    )
    expect(subs[0]).not.toBe(subs[1])
  })

  it('gives untitled documents a default title and honours a configured token lifetime', async () => {
    const api = await startApi({ tokenTtlSeconds: 120 })
    const doc = await createDocument(api)
    expect(doc.title).toBe('Untitled')
    const response = await exchange(api, doc.id, keyOf(doc.viewLink))
    expect(response.body.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(120)
  })

  it('revokes a key with an edit key; the revoked key is then refused with 403', async () => {
    const api = await startApi()
    const doc = await createDocument(api)
    const editKey = keyOf(doc.editLink)
    const viewKey = keyOf(doc.viewLink)
    const revokePath = `/api/documents/${doc.id}/keys/${doc.viewLink.keyId}`

    expectError(await api.call('DELETE', revokePath), 401, 'unauthorized')
    expectError(
      await api.call('DELETE', revokePath, { headers: { authorization: `ShareKey ${viewKey}` } }),
      403,
      'forbidden',
    )
    expect((await exchange(api, doc.id, viewKey)).status).toBe(200)

    const revoked = await api.call('DELETE', revokePath, {
      headers: { authorization: `ShareKey ${editKey}` },
    })
    expect(revoked.status).toBe(204)
    expect(api.revoked).toEqual([[doc.id, doc.viewLink.keyId]])
    expectError(await exchange(api, doc.id, viewKey), 403, 'forbidden')
    expectError(
      await api.call('GET', `/api/documents/${doc.id}`, {
        headers: { authorization: `ShareKey ${viewKey}` },
      }),
      403,
      'forbidden',
    )
    expect((await exchange(api, doc.id, editKey)).status).toBe(200)
    expectError(
      await api.call('DELETE', `/api/documents/${doc.id}/keys/nosuchkey`, {
        headers: { authorization: `ShareKey ${editKey}` },
      }),
      404,
      'not_found',
    )
  })

  it('creates new keys with an edit key, never with a view key or an exchanged token', async () => {
    const api = await startApi()
    const doc = await createDocument(api)
    const keysPath = `/api/documents/${doc.id}/keys`
    const editToken = (await exchange(api, doc.id, keyOf(doc.editLink))).body.token

    const asViewer = await api.call('POST', keysPath, {
      json: { role: 'viewer' },
      headers: { authorization: `ShareKey ${keyOf(doc.viewLink)}` },
    })
    expectError(asViewer, 403, 'forbidden')
    expectError(
      await api.call('POST', keysPath, {
        json: { role: 'viewer' },
        headers: { authorization: `Bearer ${editToken}` },
      }),
      403,
      'forbidden',
    )
    expectError(
      await api.call('POST', keysPath, {
        json: { role: 'owner' },
        headers: { authorization: `ShareKey ${keyOf(doc.editLink)}` },
      }),
      400,
      'bad_request',
    )

    const created = await api.call<ShareLink>('POST', keysPath, {
      json: { role: 'editor' },
      headers: { authorization: `ShareKey ${keyOf(doc.editLink)}` },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      role: 'editor',
      url: expect.stringMatching(new RegExp(`^/d/${doc.id}#key=`)),
    })
    expect((await exchange(api, doc.id, keyOf(created.body))).body.role).toBe('editor')
  })

  it('lets an admin token manage keys of any document, and 404s for documents that do not exist', async () => {
    const api = await startApi()
    const doc = await createDocument(api)
    const admin = await createToken({ secret: SECRET, sub: 'ops', room: '*', role: 'editor' })
    const headers = { authorization: `Bearer ${admin}` }
    const created = await api.call<ShareLink>('POST', `/api/documents/${doc.id}/keys`, {
      json: { role: 'viewer' },
      headers,
    })
    expect(created.status).toBe(201)
    expect(
      (await api.call('DELETE', `/api/documents/${doc.id}/keys/${created.body.keyId}`, { headers })).status,
    ).toBe(204)
    expectError(
      await api.call('POST', '/api/documents/nosuchdoc/keys', { json: { role: 'viewer' }, headers }),
      404,
      'not_found',
    )
  })

  it('refuses exchanges for unknown documents and wrong keys alike with 403', async () => {
    const api = await startApi()
    const doc = await createDocument(api)
    expectError(await exchange(api, 'no-such-doc', keyOf(doc.editLink)), 403, 'forbidden')
    expectError(await exchange(api, doc.id, 'wrong-key'), 403, 'forbidden')
    const other = await createDocument(api)
    expectError(await exchange(api, other.id, keyOf(doc.editLink)), 403, 'forbidden')
  })
})

describe('GET /api/documents/:id', () => {
  it('answers a share key or a token for the room with the title and the caller role', async () => {
    const api = await startApi()
    const doc = await createDocument(api, 'Plan')
    const path = `/api/documents/${doc.id}`
    const byKey = await api.call<DocumentInfoResponse>('GET', path, {
      headers: { authorization: `ShareKey ${keyOf(doc.viewLink)}` },
    })
    expect(byKey.status).toBe(200)
    expect(byKey.body).toEqual({ id: doc.id, title: 'Plan', createdAt: expect.any(Number), role: 'viewer' })
    const token = await createToken({ secret: SECRET, sub: 'u', room: doc.id, role: 'editor' })
    const byToken = await api.call<DocumentInfoResponse>('GET', path, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(byToken.body.role).toBe('editor')
  })

  it('refuses no credentials (401), a token for another room (403) and answers 404 to a token for a bare room', async () => {
    const api = await startApi()
    const doc = await createDocument(api)
    const anonymous = await api.call('GET', `/api/documents/${doc.id}`)
    expectError(anonymous, 401, 'unauthorized')
    expect(anonymous.headers.get('www-authenticate')).toContain('ShareKey')
    const otherRoom = await createToken({ secret: SECRET, sub: 'u', room: 'elsewhere', role: 'editor' })
    expectError(
      await api.call('GET', `/api/documents/${doc.id}`, {
        headers: { authorization: `Bearer ${otherRoom}` },
      }),
      403,
      'forbidden',
    )
    expectError(
      await api.call('GET', '/api/documents/elsewhere', {
        headers: { authorization: `Bearer ${otherRoom}` },
      }),
      404,
      'not_found',
    )
    const garbage = await api.call('GET', `/api/documents/${doc.id}`, {
      headers: { authorization: 'Bearer garbage' },
    })
    expectError(garbage, 401, 'unauthorized')
    expect(garbage.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })
})

describe('ALLOW_PUBLIC_CREATE=false', () => {
  it('creates documents only for an admin token', async () => {
    const api = await startApi({ config: { allowPublicCreate: false } })
    expectError(await api.call('POST', '/api/documents', { json: {} }), 401, 'unauthorized')
    const cases = [
      [{ room: '*', role: 'viewer' }, 403],
      [{ room: 'one-room', role: 'editor' }, 403],
      [{ room: '*', role: 'editor' }, 201],
    ] as const
    for (const [claims, status] of cases) {
      const token = await createToken({ secret: SECRET, sub: 'u', ...claims })
      const response = await api.call('POST', '/api/documents', {
        json: { title: 'T' },
        headers: { authorization: `Bearer ${token}` },
      })
      expect(response.status, JSON.stringify(claims)).toBe(status)
    }
    const expired = await createToken({ secret: SECRET, sub: 'u', room: '*', role: 'editor', ttlSeconds: -5 })
    expectError(
      await api.call('POST', '/api/documents', { headers: { authorization: `Bearer ${expired}` } }),
      401,
      'unauthorized',
    )
  })
})

describe('request hygiene', () => {
  it('rate-limits per client address with 429 and Retry-After', async () => {
    const api = await startApi({ rateLimiter: new RateLimiter({ capacity: 3, refillPerSecond: 0.1 }) })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await exchange(api, 'doc', 'key')).status)
    expect(statuses).toEqual([403, 403, 403, 429])
    const limited = await exchange(api, 'doc', 'key')
    expectError(limited, 429, 'rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10)
  })

  it('gives the content routes and creating with content their own, smaller allowance', async () => {
    const api = await startApi({ contentRateLimiter: new RateLimiter({ capacity: 2, refillPerSecond: 0.1 }) })
    const created = await api.call<CreateDocumentResponse>('POST', '/api/documents', {
      json: { content: '# One', format: 'markdown' },
    })
    expect(created.status).toBe(201)
    const auth = { authorization: `ShareKey ${keyOf(created.body.viewLink)}` }
    const read = await api.call('GET', `/api/documents/${created.body.id}/content`, { headers: auth })
    expect(read).toMatchObject({ status: 200, body: '# One\n' })
    const limited = await api.call('GET', `/api/documents/${created.body.id}/content`, { headers: auth })
    expectError(limited, 429, 'rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // Other routes still answer: only the costly work is held back.
    expect((await api.call('GET', `/api/documents/${created.body.id}`, { headers: auth })).status).toBe(200)
    expect((await createDocument(api, 'no content')).title).toBe('no content')
  })

  it('answers 413 to a body over the limit, declared or chunked, and keeps serving', async () => {
    const api = await startApi()
    const big = JSON.stringify({ documentId: 'doc', shareKey: 'k', name: 'x'.repeat(17 * 1024) })
    expectError(
      await api.call('POST', '/api/token', { body: big, headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    )

    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          port: api.port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/token',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1024))
      req.end()
    })
    expect(chunked).toBe(413)
    expect((await createDocument(api)).id).toBeTruthy()
  })

  it('answers 400 to malformed JSON, non-objects and invalid fields', async () => {
    const api = await startApi()
    const json = { 'content-type': 'application/json' }
    expectError(
      await api.call('POST', '/api/token', { body: '{"documentId":', headers: json }),
      400,
      'invalid_json',
    )
    expectError(await api.call('POST', '/api/token', { body: '[1,2]', headers: json }), 400, 'bad_request')
    expectError(await api.call('POST', '/api/token'), 400, 'bad_request')
    const valid = { documentId: 'doc', shareKey: 'key', name: 'Ann' }
    for (const invalid of [
      { ...valid, documentId: '../etc' },
      { ...valid, shareKey: 5 },
      { ...valid, name: '' },
      { ...valid, name: 'x'.repeat(101) },
      { ...valid, name: 'A\u0000nn' },
    ]) {
      expectError(await api.call('POST', '/api/token', { json: invalid }), 400, 'bad_request')
    }
    expectError(await api.call('POST', '/api/documents', { json: { title: 42 } }), 400, 'bad_request')
    expectError(
      await api.call('POST', '/api/documents', { json: { title: 't'.repeat(201) } }),
      400,
      'bad_request',
    )
  })

  it('answers 415 to a body that is not application/json', async () => {
    const api = await startApi()
    expectError(
      await api.call('POST', '/api/token', { body: 'documentId=doc' }),
      415,
      'unsupported_media_type',
    )
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expectError(
      await api.call('POST', '/api/documents', { body: 'title=x', headers: form }),
      415,
      'unsupported_media_type',
    )
    const withCharset = await api.call('POST', '/api/documents', {
      body: '{"title":"x"}',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    })
    expect(withCharset.status).toBe(201)
  })

  it('answers 405 with Allow to a wrong method, 404 to unknown /api paths, and leaves other paths alone', async () => {
    const api = await startApi()
    const getToken = await api.call('GET', '/api/token')
    expectError(getToken, 405, 'method_not_allowed')
    expect(getToken.headers.get('allow')).toBe('POST')
    const putDocument = await api.call('PUT', '/api/documents/some-doc')
    expectError(putDocument, 405, 'method_not_allowed')
    expect(putDocument.headers.get('allow')).toBe('GET, DELETE, HEAD')
    expect((await api.call('PATCH', '/api/documents')).headers.get('allow')).toBe('GET, POST, HEAD')
    expectError(await api.call('GET', '/api/nothing'), 404, 'not_found')
    expectError(await api.call('GET', '/api'), 404, 'not_found')
    expectError(await api.call('GET', '/api/documents/bad%20id'), 404, 'not_found')
    expect((await api.call('GET', '/apiary')).status).toBe(418)
    expect((await api.call('GET', '/d/some-doc')).status).toBe(418)
  })

  it('answers 500 without details when the store fails, and logs the redacted URL', async () => {
    const store = new MemoryStore()
    await store.close()
    const api = await startApi({ store })
    const response = await api.call('POST', '/api/documents?key=secret-key')
    expectError(response, 500, 'internal_error')
    expect(JSON.stringify(response.body)).not.toContain('closed')
    expect(api.logged).toHaveLength(1)
    expect(JSON.stringify(api.logged[0]!.details)).toContain('key=[redacted]')
    expect(JSON.stringify(api.logged[0]!.details)).not.toContain('secret-key')
  })
})
