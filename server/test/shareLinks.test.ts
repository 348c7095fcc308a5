/**
 * Listing a document's share links (`GET /api/documents/:id/keys`) on a real node with real SQLite:
 * who may list, that the listed URLs are the very links handed out, who made each and when, and
 * that this survives a restart but not a change of secret (links keep working, only unshown).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type CreateDocumentResponse,
  createToken,
  type ShareLink,
  type ShareLinkListResponse,
} from '@tandem/shared'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startNode } from './helpers/startServer'

const SECRET = 'share-links-test-secret-0123456789'

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-links-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const keyOf = (url: string) => decodeURIComponent(url.slice(url.indexOf('#key=') + '#key='.length))

function api(httpUrl: string) {
  return {
    async createDocument(body: object): Promise<CreateDocumentResponse> {
      const res = await fetch(`${httpUrl}/api/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as CreateDocumentResponse
    },
    list(documentId: string, authorization?: string): Promise<Response> {
      return fetch(`${httpUrl}/api/documents/${documentId}/keys`, {
        headers: authorization ? { authorization } : {},
      })
    },
    create(documentId: string, authorization: string, body: object): Promise<Response> {
      return fetch(`${httpUrl}/api/documents/${documentId}/keys`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    },
    revoke(documentId: string, authorization: string, keyId: string): Promise<Response> {
      return fetch(`${httpUrl}/api/documents/${documentId}/keys/${keyId}`, {
        method: 'DELETE',
        headers: { authorization },
      })
    },
    exchange(documentId: string, shareKey: string): Promise<Response> {
      return fetch(`${httpUrl}/api/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId, shareKey, name: 'Someone' }),
      })
    },
  }
}

describe('GET /api/documents/:id/keys', () => {
  it('lists the current links, with the URLs handed out, their creator and time, to edit keys and admins only', async () => {
    const { httpUrl } = await startNode({ storage: 'sqlite', secret: SECRET })
    const client = api(httpUrl)
    const before = Date.now()
    const doc = await client.createDocument({ title: 'Budget', name: '  Ann Lee ' })
    const editAuth = `ShareKey ${keyOf(doc.editLink.url)}`

    const listed = await client.list(doc.id, editAuth)
    expect(listed.status).toBe(200)
    expect(listed.headers.get('cache-control')).toBe('no-store')
    const { links } = (await listed.json()) as ShareLinkListResponse
    expect(links).toEqual([doc.editLink, doc.viewLink].sort((a, b) => (a.keyId < b.keyId ? -1 : 1)))
    for (const link of links) {
      expect(link.createdBy).toBe('Ann Lee')
      expect(link.createdAt).toBeGreaterThanOrEqual(before)
    }

    // A new link carries the name sent with it; it is listed after the first two, with its URL.
    const created = await client.create(doc.id, editAuth, { role: 'viewer', name: 'Ben' })
    expect(created.status).toBe(201)
    const bens = (await created.json()) as ShareLink
    expect(bens.createdBy).toBe('Ben')
    const after = ((await (await client.list(doc.id, editAuth)).json()) as ShareLinkListResponse).links
    expect(after).toHaveLength(3)
    expect(after[2]).toEqual(bens)

    // Refused: a view key, a token exchanged for the edit key, no credentials, another document's key.
    const viewRes = await client.list(doc.id, `ShareKey ${keyOf(doc.viewLink.url)}`)
    expect(viewRes.status).toBe(403)
    const exchanged = (await (await client.exchange(doc.id, keyOf(doc.editLink.url))).json()) as {
      token: string
    }
    const tokenRes = await client.list(doc.id, `Bearer ${exchanged.token}`)
    expect(tokenRes.status).toBe(403)
    expect((await client.list(doc.id)).status).toBe(401)
    const other = await client.createDocument({})
    const foreign = await client.list(doc.id, `ShareKey ${keyOf(other.editLink.url)}`)
    expect(foreign.status).toBe(403)
    for (const refused of [viewRes, tokenRes, foreign]) {
      const body = await refused.text()
      for (const link of after) expect(body).not.toContain(keyOf(link.url!))
    }

    // An admin token lists too, and its name claim names the links it creates.
    const admin = await createToken({
      secret: SECRET,
      sub: 'ops',
      name: 'Ops desk',
      room: '*',
      role: 'editor',
    })
    const byAdmin = await client.create(doc.id, `Bearer ${admin}`, { role: 'editor' })
    expect(((await byAdmin.json()) as ShareLink).createdBy).toBe('Ops desk')
    const adminList = await client.list(doc.id, `Bearer ${admin}`)
    expect(((await adminList.json()) as ShareLinkListResponse).links).toHaveLength(4)
    expect((await client.list('no-such-document', `Bearer ${admin}`)).status).toBe(404)

    // Revoked links leave the list.
    expect((await client.revoke(doc.id, editAuth, doc.viewLink.keyId)).status).toBe(204)
    const remaining = ((await (await client.list(doc.id, editAuth)).json()) as ShareLinkListResponse).links
    expect(remaining.map((link) => link.keyId)).not.toContain(doc.viewLink.keyId)
    expect(remaining).toHaveLength(3)
  })

  it('refuses creator names that are too long or carry control characters', async () => {
    const { httpUrl } = await startNode({ storage: 'sqlite', secret: SECRET })
    const client = api(httpUrl)
    const doc = await client.createDocument({})
    const editAuth = `ShareKey ${keyOf(doc.editLink.url)}`
    expect(doc.editLink.createdBy).toBeNull()
    for (const name of ['x'.repeat(101), 'Ann\u202eevil', 'line\nbreak', 42]) {
      expect((await client.create(doc.id, editAuth, { role: 'viewer', name })).status).toBe(400)
    }
    const listed = ((await (await client.list(doc.id, editAuth)).json()) as ShareLinkListResponse).links
    expect(listed).toHaveLength(2)
  })

  it('shows the same links after a restart; under another secret they still work but cannot be shown', async () => {
    const dataDir = freshDataDir()
    const first = await startNode({ storage: 'sqlite', secret: SECRET, dataDir })
    const doc = await api(first.httpUrl).createDocument({ name: 'Ann' })
    const editAuth = `ShareKey ${keyOf(doc.editLink.url)}`
    await first.server.close()

    const second = await startNode({ storage: 'sqlite', secret: SECRET, dataDir })
    const again = ((await (await api(second.httpUrl).list(doc.id, editAuth)).json()) as ShareLinkListResponse)
      .links
    expect(again.map((link) => link.url).sort()).toEqual([doc.editLink.url, doc.viewLink.url].sort())
    await second.server.close()

    const rotated = await startNode({ storage: 'sqlite', secret: `${SECRET}-rotated`, dataDir })
    const client = api(rotated.httpUrl)
    const unshown = ((await (await client.list(doc.id, editAuth)).json()) as ShareLinkListResponse).links
    expect(unshown.map((link) => [link.keyId, link.url, link.createdBy])).toEqual(
      again.map((link) => [link.keyId, null, 'Ann']),
    )
    expect((await client.exchange(doc.id, keyOf(doc.viewLink.url))).status).toBe(200)
  })
})
