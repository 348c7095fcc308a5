/**
 * The document admin routes on a real node: `GET /api/documents` (admin, paged by cursor, bounded)
 * and `DELETE /api/documents/:id` (admin or the creator's key; content and links gone).
 */
import { createToken, type DocumentListResponse } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import { connectStockClient, rawUpgrade, synced } from './helpers/clients'
import { adminToken, createDocumentOver, exchangeKey } from './helpers/documentApi'
import { startNode } from './helpers/startServer'

const SECRET = 'document-admin-test-secret-0123456789'

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init)
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

describe('document admin routes', () => {
  it('list documents for an admin, a bounded page at a time, with size and last edit', async () => {
    const node = await startNode({ secret: SECRET, webhookDebounceMs: 50 })
    const admin = { Authorization: `Bearer ${await adminToken(SECRET)}` }
    const ids: string[] = []
    for (const title of ['One', 'Two', 'Three'])
      ids.push((await createDocumentOver(node.httpUrl, { title })).created.id)
    ids.sort()

    const first = await call(`${node.httpUrl}/api/documents?limit=2`, { headers: admin })
    expect(first.status).toBe(200)
    const page = first.body as DocumentListResponse
    expect(page.documents.map((d) => d.id)).toEqual(ids.slice(0, 2))
    expect(page.documents[0]).toMatchObject({ createdAt: expect.any(Number), sizeBytes: expect.any(Number) })
    expect(page.documents[0]!.sizeBytes).toBeGreaterThan(0)
    expect(page.nextCursor).toBe(ids[1])
    const rest = (
      await call(`${node.httpUrl}/api/documents?limit=2&cursor=${page.nextCursor}`, { headers: admin })
    ).body as DocumentListResponse
    expect(rest.documents.map((d) => d.id)).toEqual(ids.slice(2))
    expect(rest.nextCursor).toBeNull()

    // An edit is recorded as the document's last change once its window closes.
    const created = await createDocumentOver(node.httpUrl, { title: 'Edited' })
    const token = await exchangeKey(node.httpUrl, created.created.id, created.editKey, 'Ann')
    const client = connectStockClient(node.wsUrl, created.created.id, { token })
    await synced(client)
    const before = Date.now()
    client.text.insert(0, 'hello')
    await vi.waitFor(
      async () => {
        const all = (await call(`${node.httpUrl}/api/documents`, { headers: admin }))
          .body as DocumentListResponse
        expect(all.documents.find((d) => d.id === created.created.id)?.changedAt).toBeGreaterThanOrEqual(
          before,
        )
      },
      { timeout: 15_000, interval: 50 },
    )

    // Refusals: no token, a token for one room, a share key, a bad limit or cursor.
    expect((await call(`${node.httpUrl}/api/documents`)).status).toBe(401)
    const roomToken = await createToken({ secret: SECRET, sub: 'u', room: ids[0]!, role: 'editor' })
    expect(
      (await call(`${node.httpUrl}/api/documents`, { headers: { Authorization: `Bearer ${roomToken}` } }))
        .status,
    ).toBe(403)
    expect(
      (
        await call(`${node.httpUrl}/api/documents`, {
          headers: { Authorization: `ShareKey ${created.editKey}` },
        })
      ).status,
    ).toBe(401)
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=..%2F', 'cursor=a%20b']) {
      const refused = await call(`${node.httpUrl}/api/documents?${query}`, { headers: admin })
      expect(refused.status, query).toBe(400)
    }
  }, 30_000)

  it('delete a document with its creator key or an admin token; later keys cannot', async () => {
    const node = await startNode({ secret: SECRET })
    const admin = { Authorization: `Bearer ${await adminToken(SECRET)}` }
    const doc = await createDocumentOver(node.httpUrl, { title: 'Doomed', name: 'Ann' })
    const id = doc.created.id
    const token = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ann')
    const client = connectStockClient(node.wsUrl, id, { token })
    await synced(client)
    client.text.insert(0, 'soon gone')

    // A second edit link, made later, may edit but not delete; a view key and exchanged tokens neither.
    const later = await call(`${node.httpUrl}/api/documents/${id}/keys`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `ShareKey ${doc.editKey}` },
      body: JSON.stringify({ role: 'editor' }),
    })
    const laterKey = decodeURIComponent(
      new URL((later.body as { url: string }).url, node.httpUrl).hash.slice(5),
    )
    const remove = (headers: Record<string, string>) =>
      call(`${node.httpUrl}/api/documents/${id}`, { method: 'DELETE', headers })
    expect((await remove({ Authorization: `ShareKey ${laterKey}` })).status).toBe(403)
    expect((await remove({ Authorization: `ShareKey ${doc.viewKey}` })).status).toBe(403)
    expect((await remove({ Authorization: `Bearer ${token}` })).status).toBe(403)
    expect((await remove({})).status).toBe(401)

    expect((await remove({ Authorization: `ShareKey ${doc.editKey}` })).status).toBe(204)
    // Gone: the links no longer open it, the admin list no longer shows it, a second delete is 404.
    expect(
      (
        await call(`${node.httpUrl}/api/documents/${id}`, {
          headers: { Authorization: `ShareKey ${doc.editKey}` },
        })
      ).status,
    ).toBe(403)
    expect((await rawUpgrade(node.port, `/ws/${id}?token=${token}`)).status).toBe(403)
    // A token an app's server minted without any key (and an admin token) cannot reopen the
    // deleted document's room as a new, empty one: 410 on the upgrade, its probe and the API.
    const keyless = await createToken({ secret: SECRET, sub: 'app-user', room: id, role: 'editor' })
    expect((await rawUpgrade(node.port, `/ws/${id}?token=${keyless}`)).status).toBe(410)
    expect((await rawUpgrade(node.port, `/ws/${id}?token=${await adminToken(SECRET)}`)).status).toBe(410)
    expect((await call(`${node.httpUrl}/ws/${id}?token=${keyless}`)).status).toBe(410)
    const write = await call(`${node.httpUrl}/api/documents/${id}/content`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/markdown', Authorization: `Bearer ${keyless}` },
      body: 'back from the dead',
    })
    expect(write.status).toBe(410)
    const listed = (await call(`${node.httpUrl}/api/documents`, { headers: admin }))
      .body as DocumentListResponse
    expect(listed.documents.map((d) => d.id)).not.toContain(id)
    expect((await remove(admin)).status).toBe(404)
    expect(await node.store.load(id)).toEqual({ snapshot: null, updates: [] })
    expect((await node.store.getDocument(id))?.title).toBe('')

    const other = await createDocumentOver(node.httpUrl, { title: 'By admin' })
    const byAdmin = await call(`${node.httpUrl}/api/documents/${other.created.id}`, {
      method: 'DELETE',
      headers: admin,
    })
    expect(byAdmin.status).toBe(204)
  }, 30_000)
})
