/**
 * Version history under a hostile or hasty editor (security review of issue 19), on one real node:
 * sizes checked from the records before a version's state is read, no caching of states, restores
 * and content replaces one at a time per document, and no version left behind by a deleted document.
 */
import { MAX_CONTENT_DOCUMENT_BYTES } from '@tandem/shared/content/contentFormats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DocumentStore } from '../src/persistence/DocumentStore'
import { createDocumentOver } from './helpers/documentApi'
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
  it('refuses to render or restore a version past the content bound from its record, without reading its state', async () => {
    const { created, editKey, viewKey } = await createDocumentOver(node.httpUrl, { title: 'Big' })
    const state = new Uint8Array(MAX_CONTENT_DOCUMENT_BYTES + 1)
    await node.store.addVersion(
      {
        documentId: created.id,
        versionId: 'big',
        kind: 'auto',
        name: null,
        createdAt: Date.now(),
        bytes: state.byteLength,
        editors: [],
        clients: [],
        state,
      },
      { maxCount: 10, maxBytes: 100 * MAX_CONTENT_DOCUMENT_BYTES },
    )
    const reads = countStateReads(node.store)
    const response = await api(`${created.id}/versions/big?format=markdown`, `ShareKey ${viewKey}`)
    expect(response.status).toBe(413)
    const restore = await api(`${created.id}/versions/big/restore`, `ShareKey ${editKey}`, { method: 'POST' })
    expect(restore.status).toBe(413)
    expect(reads.count()).toBe(0)
  })

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
