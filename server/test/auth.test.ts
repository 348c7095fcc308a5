/** Token auth on the upgrade and the share-link flow, through a real server with real tokens. */
import {
  CLOSE_CODES,
  type CreateDocumentResponse,
  createToken,
  encodeSyncUpdate,
  TITLE_TEXT_NAME,
  type TokenResponse,
} from '@tandem/shared'
import { SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { connectRaw, connectStockClient, synced, rawUpgrade as upgrade } from './helpers/clients'
import { startNode } from './helpers/startServer'

const SECRET = 'auth-test-secret'
const POLL = { timeout: 5000, interval: 20 }
const key = new TextEncoder().encode(SECRET)

function startAuthServer() {
  return startNode({ storage: 'memory', secret: SECRET })
}

const now = () => Math.floor(Date.now() / 1000)

describe('auth on the upgrade', () => {
  it('refuses every bad token before a socket or a room exists', async () => {
    const { port, server } = await startAuthServer()
    const valid = { room: 'secret-room', role: 'editor' }
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const unsignedBody = Buffer.from(JSON.stringify({ sub: 'x', exp: now() + 60, ...valid })).toString(
      'base64url',
    )
    const cases: Array<[string, string | undefined, number]> = [
      ['no token', undefined, 401],
      ['garbage', 'not-a-jwt', 401],
      [
        'wrong signature',
        await createToken({ secret: 'other', sub: 'x', room: 'secret-room', role: 'editor' }),
        401,
      ],
      ['alg none', `${unsignedHeader}.${unsignedBody}.`, 401],
      [
        'expired',
        await new SignJWT(valid)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setExpirationTime(now() - 10)
          .sign(key),
        401,
      ],
      [
        'not yet valid',
        await new SignJWT(valid)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setNotBefore(now() + 600)
          .setExpirationTime(now() + 900)
          .sign(key),
        401,
      ],
      ['other room', await createToken({ secret: SECRET, sub: 'x', room: 'elsewhere', role: 'editor' }), 403],
    ]
    for (const [name, token, status] of cases) {
      const path =
        token === undefined ? '/ws/secret-room' : `/ws/secret-room?token=${encodeURIComponent(token)}`
      const response = await upgrade(port, path)
      expect(response.status, name).toBe(status)
      // RFC 6750, as the API answers: a 401 names the scheme to retry with; a 403 has nothing to retry.
      expect(response.headers['www-authenticate'], name).toBe(
        status === 401 ? 'Bearer error="invalid_token"' : undefined,
      )
    }
    expect(server.rooms.size).toBe(0)
    expect(server.connections.size).toBe(0)
    const good = await createToken({ secret: SECRET, sub: 'x', room: '*', role: 'editor' })
    expect((await upgrade(port, `/ws/secret-room?token=${good}`)).status).toBe(101)
  })

  it('closes the socket with 4401 when the token expires mid-session', async () => {
    const { wsUrl } = await startAuthServer()
    const token = await createToken({
      secret: SECRET,
      sub: 'x',
      room: 'expiring',
      role: 'editor',
      ttlSeconds: 2,
    })
    const client = connectStockClient(wsUrl, 'expiring', { token })
    await synced(client)
    const code = await new Promise<number>((resolve) =>
      client.provider.on('connection-close', (event) => resolve(event?.code ?? 0)),
    )
    expect(code).toBe(CLOSE_CODES.TOKEN_EXPIRED.code)
  })

  it('lets a viewer read live but never write, whatever frames it crafts', async () => {
    const { wsUrl, store } = await startAuthServer()
    const editorToken = await createToken({ secret: SECRET, sub: 'ed', room: 'doc', role: 'editor' })
    const viewerToken = await createToken({ secret: SECRET, sub: 'vi', room: 'doc', role: 'viewer' })
    const editor = connectStockClient(wsUrl, 'doc', { token: editorToken })
    const viewer = connectStockClient(wsUrl, 'doc', { token: viewerToken })
    await Promise.all([synced(editor), synced(viewer)])
    editor.text.insert(0, 'hello')
    await vi.waitFor(() => expect(viewer.text.toString()).toBe('hello'), POLL)

    const raw = await connectRaw(`${wsUrl}/doc?token=${viewerToken}`)
    const forged = new Y.Doc()
    forged.getText('t').insert(0, 'forged ')
    const forgedUpdate = Y.encodeStateAsUpdate(forged)
    raw.ws.send(encodeSyncUpdate(forgedUpdate))
    raw.ws.send(Uint8Array.from([0, 1, ...encodeSyncUpdate(forgedUpdate).subarray(2)]))
    viewer.text.insert(0, 'viewer typed ')
    editor.text.insert(5, '!')
    await vi.waitFor(() => expect(viewer.text.toString()).toContain('!'), POLL)
    expect(editor.text.toString()).toBe('hello!')
    const stored = await store.load('doc')
    const doc = new Y.Doc()
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    expect(doc.getText('t').toString()).toBe('hello!')
  })
})

describe('share links end to end', () => {
  it('creates a document, exchanges its keys for tokens, connects, revokes', async () => {
    const { httpUrl, wsUrl } = await startAuthServer()
    const created = await fetch(`${httpUrl}/api/documents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Plans' }),
    })
    expect(created.status).toBe(201)
    const doc = (await created.json()) as CreateDocumentResponse
    const keyOf = (url: string) => new URL(url, httpUrl).hash.replace('#key=', '')

    const exchange = (shareKey: string) =>
      fetch(`${httpUrl}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ documentId: doc.id, shareKey, name: 'Ann' }),
      })
    const editRes = await exchange(keyOf(doc.editLink.url))
    expect(editRes.status).toBe(200)
    const edit = (await editRes.json()) as TokenResponse
    expect(edit.role).toBe('editor')

    const client = connectStockClient(wsUrl, doc.id, { token: edit.token })
    await synced(client)
    expect(client.doc.getText(TITLE_TEXT_NAME).toString(), 'the title is seeded on the server').toBe('Plans')
    client.text.insert(0, 'shared')

    const viewRes = await exchange(keyOf(doc.viewLink.url))
    const view = (await viewRes.json()) as TokenResponse
    expect(view.role).toBe('viewer')
    const viewer = connectStockClient(wsUrl, doc.id, { token: view.token })
    await vi.waitFor(() => expect(viewer.text.toString()).toBe('shared'), POLL)
    const viewerClosed = new Promise<number>((resolve) =>
      viewer.provider.on('connection-close', (event) => resolve(event?.code ?? 0)),
    )

    const revoked = await fetch(`${httpUrl}/api/documents/${doc.id}/keys/${doc.viewLink.keyId}`, {
      method: 'DELETE',
      headers: { Authorization: `ShareKey ${keyOf(doc.editLink.url)}` },
    })
    expect(revoked.status).toBe(204)
    expect(await viewerClosed, 'sessions of a revoked key end at once').toBe(CLOSE_CODES.FORBIDDEN.code)
    expect(client.provider.wsconnected, 'other keys are unaffected').toBe(true)
    expect((await exchange(keyOf(doc.viewLink.url))).status).toBe(403)
    expect((await exchange(keyOf(doc.editLink.url))).status).toBe(200)
  })
})

describe('the upgrade probe (GET /ws/<room> without an upgrade)', () => {
  it('answers what the upgrade would, readable cross-origin', async () => {
    const { httpUrl, server } = await startAuthServer()
    const probe = (path: string) => fetch(`${httpUrl}${path}`)
    const good = await createToken({ secret: SECRET, sub: 'x', room: 'probe-room', role: 'editor' })
    const other = await createToken({ secret: SECRET, sub: 'x', room: 'other-room', role: 'editor' })
    const forged = await createToken({ secret: 'other', sub: 'x', room: 'probe-room', role: 'editor' })

    const accepted = await probe(`/ws/probe-room?token=${good}`)
    expect(accepted.status).toBe(426)
    expect(accepted.headers.get('access-control-allow-origin')).toBe('*')
    expect(await accepted.json()).toMatchObject({ error: { code: 'upgrade_required' } })
    const refused = await probe(`/ws/probe-room?token=${forged}`)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect((await probe('/ws/probe-room')).status).toBe(401)
    expect((await probe(`/ws/probe-room?token=${other}`)).status).toBe(403)
    expect((await probe(`/ws/bad%20name?token=${good}`)).status).toBe(404)
    // Nothing is opened for a probe.
    expect(server.rooms.size).toBe(0)
  })
})
