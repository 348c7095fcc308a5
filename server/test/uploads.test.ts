/**
 * Image uploads on real nodes (token and share-key auth, real SQLite and PostgreSQL): who may upload
 * and read, what signed URLs allow, every limit (size, type, per-document quota and rate), and that
 * uploads survive a restart and are served by another node of the same store.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type CreateDocumentResponse,
  SHARE_KEY_AUTH_SCHEME,
  type UploadListResponse,
  type UploadResponse,
} from '@tandem/shared'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { OptionValues } from '../src/config'
import { UploadUrlSigner } from '../src/uploads/UploadUrlSigner'
import { usePostgres } from './helpers/postgresDatabase'
import { startNode } from './helpers/startServer'

const SECRET = 'uploads-test-secret-0123456789abcdef'
/** A real 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
/** Distinct valid PNGs: bytes after IEND are ignored by decoders but change the hash. */
const png = (variant: number) => Buffer.concat([PNG, Buffer.from([variant])])
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const keyOf = (url: string) => decodeURIComponent(url.slice(url.indexOf('#key=') + '#key='.length))
const postgres = usePostgres()

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-uploads-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function client(httpUrl: string) {
  return {
    async createDocument(): Promise<{ id: string; editKey: string; viewKey: string }> {
      const res = await fetch(`${httpUrl}/api/documents`, { method: 'POST' })
      expect(res.status).toBe(201)
      const created = (await res.json()) as CreateDocumentResponse
      return { id: created.id, editKey: keyOf(created.editLink.url), viewKey: keyOf(created.viewLink.url) }
    },
    upload(documentId: string, key: string | null, body: Uint8Array): Promise<Response> {
      return fetch(`${httpUrl}/api/documents/${documentId}/uploads`, {
        method: 'POST',
        headers: {
          'content-type': 'image/png',
          ...(key ? { authorization: `${SHARE_KEY_AUTH_SCHEME} ${key}` } : {}),
        },
        body,
      })
    },
    async list(documentId: string, key: string): Promise<UploadListResponse> {
      const res = await fetch(`${httpUrl}/api/documents/${documentId}/uploads`, {
        headers: { authorization: `${SHARE_KEY_AUTH_SCHEME} ${key}` },
      })
      expect(res.status).toBe(200)
      return (await res.json()) as UploadListResponse
    },
    fetchPath(urlPath: string, method = 'GET'): Promise<Response> {
      return fetch(`${httpUrl}${urlPath}`, { method })
    },
  }
}

/** The two durable stores, each given a node factory on one shared store. */
const STORES: ReadonlyArray<{ name: string; options: () => Promise<Partial<OptionValues>> }> = [
  { name: 'SQLite', options: async () => ({ storage: 'sqlite', dataDir: freshDataDir() }) },
  { name: 'PostgreSQL', options: async () => ({ databaseUrl: await postgres.createDatabase() }) },
]

describe.each(STORES)('uploads on $name', ({ options }) => {
  it('editors upload, readers get signed URLs that serve the bytes, strangers and forgers get 401/403/404, and it all survives a restart', async () => {
    const storeOptions = await options()
    const first = await startNode({ ...storeOptions, secret: SECRET })
    const api = client(first.httpUrl)
    const doc = await api.createDocument()
    const other = await api.createDocument()

    const created = await api.upload(doc.id, doc.editKey, PNG)
    expect(created.status).toBe(201)
    const uploaded = (await created.json()) as UploadResponse
    expect(uploaded).toMatchObject({ hash: sha256(PNG), type: 'image/png', bytes: PNG.byteLength })
    expect(uploaded.expiresAt * 1000).toBeGreaterThan(Date.now() + 59 * 60 * 1000)
    // The same bytes again: nothing new is stored.
    const again = await api.upload(doc.id, doc.editKey, PNG)
    expect(again.status).toBe(200)
    expect(((await again.json()) as UploadResponse).hash).toBe(uploaded.hash)

    // A viewer cannot upload; nobody without credentials can upload or list.
    const byViewer = await api.upload(doc.id, doc.viewKey, png(1))
    expect(byViewer.status).toBe(403)
    expect(await byViewer.json()).toMatchObject({ error: { code: 'forbidden' } })
    expect((await api.upload(doc.id, null, png(1))).status).toBe(401)
    expect((await fetch(`${first.httpUrl}/api/documents/${doc.id}/uploads`)).status).toBe(401)
    // Another document's edit key is no key for this one.
    expect((await api.upload(doc.id, other.editKey, png(1))).status).toBe(403)

    // A viewer lists the document's images with signed URLs that need no credentials.
    const listed = await api.list(doc.id, doc.viewKey)
    expect(listed.uploads).toEqual([
      { hash: uploaded.hash, type: 'image/png', bytes: PNG.byteLength, url: uploaded.url },
    ])
    const image = await api.fetchPath(listed.uploads[0]!.url)
    expect(image.status).toBe(200)
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(image.headers.get('x-content-type-options')).toBe('nosniff')
    expect(image.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/)
    expect(image.headers.get('etag')).toBe(`"${uploaded.hash}"`)
    expect(image.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect((await api.fetchPath(listed.uploads[0]!.url, 'HEAD')).status).toBe(200)
    expect((await api.fetchPath(listed.uploads[0]!.url, 'POST')).status).toBe(405)
    expect(await api.list(other.id, other.viewKey)).toMatchObject({ uploads: [] })

    // Strangers: no signature, a forged one, the URL moved to another document, an expired one.
    const { url } = uploaded
    expect((await api.fetchPath(url.split('?')[0]!)).status).toBe(403)
    expect((await api.fetchPath(url.replace(/signature=[^&]+/, 'signature=forged'))).status).toBe(403)
    const forbidden = await api.fetchPath(url.replace(`/${doc.id}/`, `/${other.id}/`))
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toMatchObject({ error: { code: 'forbidden' } })
    const signer = new UploadUrlSigner(SECRET)
    const expired = signer.sign(doc.id, uploaded.hash, Math.floor(Date.now() / 1000) - 1)
    expect((await api.fetchPath(expired)).status).toBe(403)
    // Signed by this server for bytes this document does not hold: 404.
    const unknown = signer.sign(other.id, uploaded.hash, signer.currentExpiry())
    expect((await api.fetchPath(unknown)).status).toBe(404)

    // After a restart on the same store, the image lists and the old URL still works.
    await first.server.close()
    const second = await startNode({ ...storeOptions, secret: SECRET })
    const reopened = client(second.httpUrl)
    expect((await reopened.list(doc.id, doc.editKey)).uploads.map((item) => item.hash)).toEqual([
      uploaded.hash,
    ])
    const served = await reopened.fetchPath(url)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG)
  })

  it('refuses other types, oversized uploads and a full document with a clear error, storing nothing', async () => {
    const node = await startNode({
      ...(await options()),
      secret: SECRET,
      maxUploadBytes: 1024,
      maxUploadsPerDocument: 2,
      maxUploadBytesPerDocument: 4096,
    })
    const api = client(node.httpUrl)
    const doc = await api.createDocument()

    const svg = await api.upload(doc.id, doc.editKey, SVG)
    expect(svg.status).toBe(415)
    expect(await svg.json()).toEqual({
      error: {
        code: 'unsupported_image_type',
        message: 'only PNG, JPEG, GIF and WebP images can be uploaded',
      },
    })
    const html = await api.upload(doc.id, doc.editKey, Buffer.from('<html><body>hi</body></html>'))
    expect(html.status).toBe(415)
    const empty = await api.upload(doc.id, doc.editKey, Buffer.alloc(0))
    expect(empty.status).toBe(400)

    const big = await api.upload(doc.id, doc.editKey, Buffer.concat([PNG, Buffer.alloc(2000)]))
    expect(big.status).toBe(413)
    expect(await big.json()).toEqual({
      error: { code: 'payload_too_large', message: 'images can be at most 1 KB' },
    })

    expect((await api.upload(doc.id, doc.editKey, png(1))).status).toBe(201)
    expect((await api.upload(doc.id, doc.editKey, png(2))).status).toBe(201)
    const full = await api.upload(doc.id, doc.editKey, png(3))
    expect(full.status).toBe(413)
    expect(await full.json()).toMatchObject({ error: { code: 'upload_quota_exceeded' } })
    // Re-uploading an image the document holds is still fine when full.
    expect((await api.upload(doc.id, doc.editKey, png(1))).status).toBe(200)

    const { uploads } = await api.list(doc.id, doc.viewKey)
    expect(uploads.map((item) => item.hash).sort()).toEqual([sha256(png(1)), sha256(png(2))].sort())
  })
})

describe('upload rate', () => {
  it('a document takes UPLOAD_RATE_LIMIT_BURST uploads at once, then 429 with Retry-After; other documents are unaffected', async () => {
    const node = await startNode({
      storage: 'memory',
      secret: SECRET,
      uploadRateLimitBurst: 3,
      uploadsPerMinute: 1,
    })
    const api = client(node.httpUrl)
    const doc = await api.createDocument()
    const other = await api.createDocument()
    for (let variant = 0; variant < 3; variant++) {
      expect((await api.upload(doc.id, doc.editKey, png(variant))).status).toBe(201)
    }
    const limited = await api.upload(doc.id, doc.editKey, png(9))
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await api.list(doc.id, doc.viewKey)).uploads).toHaveLength(3)
    expect((await api.upload(other.id, other.editKey, png(9))).status).toBe(201)
  })
})

describe('refused image links', () => {
  it('an address past UPGRADE_REFUSAL_BURST refused links gets 429 with Retry-After, and nothing is checked meanwhile', async () => {
    const node = await startNode({
      storage: 'memory',
      secret: SECRET,
      upgradeRefusalBurst: 3,
      upgradeRefusalsPerSecond: 0.001,
    })
    const api = client(node.httpUrl)
    const doc = await api.createDocument()
    const { url } = (await (await api.upload(doc.id, doc.editKey, PNG)).json()) as UploadResponse
    const forged = url.replace(/signature=[^&]+/, 'signature=forged')
    // Valid links are not refusals: they spend nothing.
    for (let i = 0; i < 5; i++) expect((await api.fetchPath(url)).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await api.fetchPath(forged)).status).toBe(403)
    const limited = await api.fetchPath(forged)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await api.fetchPath(url)).status).toBe(429)
  })
})
