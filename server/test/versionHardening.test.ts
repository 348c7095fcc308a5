/**
 * Version history under a hostile or hasty editor (security review of issue 19), on one real node:
 * sizes checked from the records before a version's state is read, no caching of states, restores
 * and content replaces one at a time per document, and no version left behind by a deleted document.
 */
import { MAX_CONTENT_DOCUMENT_BYTES } from '@tandem/shared/content/contentFormats'
import { LEXICAL_ROOT_NAME } from '@tandem/shared/docLayout'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { MAX_RESTORE_DOCUMENT_BYTES } from '../src/content/ContentWorker'
import { createContentEdit } from '../src/content/headlessContent'
import type { DocumentStore } from '../src/persistence/DocumentStore'
import { connectStockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { startSharedNode, type TestServer } from './helpers/startServer'

const SECRET = 'version-hardening-test-secret-0123456789'

let node: TestServer

/** One node for the file. */
let closeNode: () => Promise<void>
beforeAll(async () => {
  ;({ node, close: closeNode } = await startSharedNode({ storage: 'sqlite', secret: SECRET }))
})
afterAll(() => closeNode())

function api(path: string, authorization: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${node.httpUrl}/api/documents/${path}`, {
    ...init,
    headers: { Authorization: authorization, 'Content-Type': 'application/json', ...init.headers },
  })
}

const POLL = { timeout: 60_000, interval: 200 }

/** Top-level blocks of the document as the store holds it. */
async function storedBlocks(documentId: string): Promise<number> {
  const { snapshot, updates } = await node.store.load(documentId)
  const doc = new Y.Doc()
  for (const update of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, update)
  const blocks = doc.get(LEXICAL_ROOT_NAME, Y.XmlElement).length
  doc.destroy()
  return blocks
}

/**
 * A document of about `bytes` as the V2 binding writes one: paragraphs (with the attributes the
 * binding gives a paragraph) of distinct text, built with Yjs directly (Lexical would take minutes).
 */
function largeTree(bytes: number): Uint8Array {
  const template = new Y.Doc()
  Y.applyUpdate(template, createContentEdit(template, 'replace', 'markdown', 'template\n'))
  const paragraph = template.get(LEXICAL_ROOT_NAME, Y.XmlElement).get(0) as Y.XmlElement
  const attributes = paragraph.getAttributes()
  const doc = new Y.Doc()
  const root = doc.get(LEXICAL_ROOT_NAME, Y.XmlElement)
  const count = Math.ceil(bytes / 1000)
  doc.transact(() => {
    const blocks: Y.XmlElement[] = []
    for (let i = 0; i < count; i++) {
      const block = new Y.XmlElement('paragraph')
      for (const [key, value] of Object.entries(attributes)) block.setAttribute(key, value as string)
      const text = new Y.XmlText()
      text.insert(0, `${i} `.padEnd(1000, 'lorem ipsum dolor sit amet '))
      block.insert(0, [text])
      blocks.push(block)
    }
    root.insert(0, blocks)
  })
  return Y.encodeStateAsUpdate(doc)
}

/** Counts the store's reads of version states from now on. */
function countStateReads(store: DocumentStore): { readonly count: () => number } {
  let reads = 0
  const getVersion = store.getVersion.bind(store)
  store.getVersion = (documentId, versionId) => {
    reads++
    return getVersion(documentId, versionId)
  }
  return { count: () => reads }
}

describe('version history hardening', () => {
  it('refuses to render past the content bound, or restore past the restore bound, from the record without reading the state', async () => {
    const { created, editKey, viewKey } = await createDocumentOver(node.httpUrl, { title: 'Big' })
    const addVersion = (versionId: string, bytes: number) => {
      const state = new Uint8Array(bytes)
      return node.store.addVersion(
        {
          documentId: created.id,
          versionId,
          kind: 'auto',
          name: null,
          createdAt: Date.now(),
          bytes: state.byteLength,
          editors: [],
          clients: [],
          state,
          comments: null,
          commentsBytes: null,
        },
        { maxCount: 10, maxBytes: 4 * MAX_RESTORE_DOCUMENT_BYTES },
      )
    }
    await addVersion('big', MAX_CONTENT_DOCUMENT_BYTES + 1)
    await addVersion('huge', MAX_RESTORE_DOCUMENT_BYTES + 1)
    const reads = countStateReads(node.store)
    const response = await api(`${created.id}/versions/big?format=markdown`, `ShareKey ${viewKey}`)
    expect(response.status).toBe(413)
    const restore = await api(`${created.id}/versions/huge/restore`, `ShareKey ${editKey}`, {
      method: 'POST',
    })
    expect(restore.status).toBe(413)
    expect(await restore.text()).toContain('larger than a restore handles')
    expect(reads.count()).toBe(0)
  })

  it('answers 422 version_not_restorable, changing nothing, for a version whose content cannot be restored', async () => {
    const { created, editKey } = await createDocumentOver(node.httpUrl, {
      title: 'Odd',
      content: 'Kept\n',
      format: 'markdown',
    })
    // Bytes Yjs cannot read: only a crafted version could hold them (the checksum is the store's own).
    const state = new Uint8Array([255, 255, 255, 255, 255])
    await node.store.addVersion(
      {
        documentId: created.id,
        versionId: 'odd',
        kind: 'auto',
        name: null,
        createdAt: Date.now(),
        bytes: state.byteLength,
        editors: [],
        clients: [],
        state,
        comments: null,
        commentsBytes: 0,
      },
      { maxCount: 10, maxBytes: 1_000_000 },
    )
    const before = await storedBlocks(created.id)
    const restore = await api(`${created.id}/versions/odd/restore`, `ShareKey ${editKey}`, { method: 'POST' })
    expect(restore.status).toBe(422)
    expect(((await restore.json()) as { error: { code: string } }).error.code).toBe('version_not_restorable')
    expect(await storedBlocks(created.id)).toBe(before)
  })

  it('restores a version past the content bound (no Lexical) live for a connected editor', async () => {
    const { created, editKey } = await createDocumentOver(node.httpUrl, { title: 'Large' })
    const edit = `ShareKey ${editKey}`
    const person = connectStockClient(node.wsUrl, created.id, {
      token: await exchangeKey(node.httpUrl, created.id, editKey, 'Ann'),
    })
    await synced(person)
    // Sent as one update, as a paste of a long text would be.
    Y.applyUpdate(person.doc, largeTree(MAX_CONTENT_DOCUMENT_BYTES + 512 * 1024))
    const tree = person.doc.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    const large = tree.toString()
    // Stored (before anyone else sees it): the node holds it all.
    await vi.waitFor(async () => expect(await storedBlocks(created.id)).toBe(tree.length), POLL)
    const named = await api(`${created.id}/versions`, edit, {
      method: 'POST',
      body: JSON.stringify({ name: 'all of it' }),
    })
    expect(named.status).toBe(201)
    const version = (await named.json()) as { id: string; bytes: number }
    expect(version.bytes).toBeGreaterThan(MAX_CONTENT_DOCUMENT_BYTES)
    // Someone deletes nearly everything.
    person.doc.transact(() => tree.delete(1, tree.length - 1))
    await vi.waitFor(async () => expect(await storedBlocks(created.id)).toBe(1), POLL)
    const started = performance.now()
    const restore = await api(`${created.id}/versions/${version.id}/restore`, edit, { method: 'POST' })
    expect(restore.status).toBe(204)
    const restoreMs = performance.now() - started
    await vi.waitFor(() => expect(tree.length).toBeGreaterThan(1), POLL)
    expect(tree.toString()).toBe(large)
    console.info(
      `restore of a ${(version.bytes / 1e6).toFixed(2)} MB version answered in ${restoreMs.toFixed(0)} ms`,
    )
  }, 120_000)

  it('serves a version state with Cache-Control no-store', async () => {
    const { created, editKey } = await createDocumentOver(node.httpUrl, {
      content: 'hello',
      format: 'markdown',
    })
    const named = await api(`${created.id}/versions`, `ShareKey ${editKey}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'N' }),
    })
    expect(named.status).toBe(201)
    const { id } = (await named.json()) as { id: string }
    const state = await api(`${created.id}/versions/${id}?format=yjs`, `ShareKey ${editKey}`)
    expect(state.status).toBe(200)
    expect(state.headers.get('cache-control')).toBe('no-store')
  })

  it('runs two restores, or two content replaces, sent at once one after the other: the document is one of them', async () => {
    const { created, editKey } = await createDocumentOver(node.httpUrl, {
      content: 'alpha one\n',
      format: 'markdown',
    })
    const edit = `ShareKey ${editKey}`
    const nameNow = async (name: string): Promise<string> => {
      const response = await api(`${created.id}/versions`, edit, {
        method: 'POST',
        body: JSON.stringify({ name }),
      })
      expect(response.status).toBe(201)
      return ((await response.json()) as { id: string }).id
    }
    const replace = (content: string) =>
      api(`${created.id}/content`, edit, {
        method: 'PUT',
        body: JSON.stringify({ format: 'markdown', content }),
      })
    const markdown = async () => (await api(`${created.id}/content?format=markdown`, edit)).text()
    const alpha = await nameNow('alpha')
    expect((await replace('beta two\n')).status).toBe(204)
    const beta = await nameNow('beta')
    expect((await replace('gamma three\n')).status).toBe(204)

    const restores = await Promise.all(
      [alpha, beta].map((id) => api(`${created.id}/versions/${id}/restore`, edit, { method: 'POST' })),
    )
    expect(restores.map((r) => r.status)).toEqual([204, 204])
    expect(['alpha one\n', 'beta two\n']).toContain(await markdown())

    const replaces = await Promise.all([replace('delta four\n'), replace('epsilon five\n')])
    expect(replaces.map((r) => r.status)).toEqual([204, 204])
    expect(['delta four\n', 'epsilon five\n']).toContain(await markdown())
  })
})
