/**
 * The content API on real nodes: documents created with content, read in every format, replaced
 * and appended to by editors as server-side edits that connected sockets see live (on this node
 * and, through the relay, on another), within bounds, and without keeping rooms in memory.
 */
import type { CreateDocumentResponse, TokenResponse } from '@tandem/shared'
import { MAX_CONTENT_DEPTH, MAX_CONTENT_SOURCE_BYTES } from '@tandem/shared/content/contentFormats'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../src/logger'
import type { UpdateEntry } from '../src/persistence/DocumentStore'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { StorageError } from '../src/persistence/StorageError'
import { MemoryRelayHub } from '../src/relay/MemoryRelayHub'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { readV2EditorState } from './helpers/lexicalDocuments'
import { startNode, type TestServer } from './helpers/startServer'

const SECRET = 'content-api-test-secret-0123456789'
/** Generous: the machine is shared with other test runs. */
const LIVE_DEADLINE_MS = 10_000

interface SharedDocument {
  readonly id: string
  readonly edit: string
  readonly view: string
}

async function createDocument(node: TestServer, body: object): Promise<SharedDocument> {
  const response = await fetch(`${node.httpUrl}/api/documents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status, await response.clone().text()).toBe(201)
  const created = (await response.json()) as CreateDocumentResponse
  const keyOf = (url: string) => `ShareKey ${new URL(url, node.httpUrl).hash.replace('#key=', '')}`
  return { id: created.id, edit: keyOf(created.editLink.url), view: keyOf(created.viewLink.url) }
}

function readContent(node: TestServer, id: string, authorization: string | null, format?: string) {
  const query = format === undefined ? '' : `?format=${format}`
  return fetch(`${node.httpUrl}/api/documents/${id}/content${query}`, {
    headers: authorization ? { Authorization: authorization } : {},
  })
}

function writeContent(
  node: TestServer,
  id: string,
  authorization: string,
  method: 'PUT' | 'POST',
  body: object,
): Promise<Response> {
  return fetch(`${node.httpUrl}/api/documents/${id}/content`, {
    method,
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function markdownOf(node: TestServer, doc: SharedDocument): Promise<string> {
  const response = await readContent(node, doc.id, doc.view, 'markdown')
  expect(response.status).toBe(200)
  return response.text()
}

async function connectEditor(node: TestServer, doc: SharedDocument): Promise<StockClient> {
  const response = await fetch(`${node.httpUrl}/api/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ documentId: doc.id, shareKey: doc.edit.slice('ShareKey '.length), name: 'Ann' }),
  })
  const { token } = (await response.json()) as TokenResponse
  const client = connectStockClient(node.wsUrl, doc.id, { token })
  await synced(client)
  return client
}

/** The text of each top-level block the socket client's document shows, as the web app reads it. */
function blocksSeenBy(client: StockClient): string[] {
  const state = readV2EditorState(client.doc)
  const textOf = (node: unknown): string => {
    const { text, children } = node as { text?: string; children?: unknown[] }
    return text ?? (children ?? []).map(textOf).join('')
  }
  return state.root.children.map(textOf)
}

/** A store whose appends fail as a full or read-only disk would, while `refuseAppends` is set. */
class RefusingStore extends MemoryStore {
  refuseAppends = false

  override async append(entries: readonly UpdateEntry[]): Promise<void> {
    if (this.refuseAppends) throw new StorageError('unavailable', 'disk full')
    return super.append(entries)
  }
}

describe('content API', () => {
  it('creates with Markdown, reads every format, refuses what it must, and releases the room', async () => {
    const node = await startNode({ storage: 'sqlite', secret: SECRET })
    const markdown = '# Launch\n\n- [ ] write the *post*\n- [x] ship\n\nSee [notes](https://example.com/n)\n'
    const doc = await createDocument(node, { title: 'Launch plan', content: markdown, format: 'markdown' })

    expect(await markdownOf(node, doc)).toBe(markdown)
    const html = await readContent(node, doc.id, doc.edit, 'html')
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(html.headers.get('content-security-policy')).toContain('sandbox')
    expect(await html.text()).toMatch(/<h1[^>]*>.*Launch/)
    expect(await (await readContent(node, doc.id, doc.view, 'text')).text()).toContain('write the post')
    const json = (await (await readContent(node, doc.id, doc.view, 'json')).json()) as {
      children: Array<{ type: string }>
    }
    expect(json.children.map((block) => block.type)).toEqual(['heading', 'list', 'paragraph'])
    expect(await (await readContent(node, doc.id, doc.view)).text(), 'Markdown by default').toBe(markdown)

    // Refusals: no credentials, a viewer writing, an unknown format, a wrong key.
    expect((await readContent(node, doc.id, null)).status).toBe(401)
    expect((await readContent(node, doc.id, doc.view, 'docx')).status).toBe(400)
    expect((await readContent(node, doc.id, 'ShareKey nope')).status).toBe(403)
    const byViewer = await writeContent(node, doc.id, doc.view, 'PUT', { format: 'markdown', content: 'x' })
    expect(byViewer.status).toBe(403)
    const badFormat = await writeContent(node, doc.id, doc.edit, 'PUT', { format: 'rtf', content: 'x' })
    expect(badFormat.status).toBe(400)

    // Bounds: too many bytes, too deep; nothing changes.
    const huge = await writeContent(node, doc.id, doc.edit, 'POST', {
      format: 'markdown',
      content: 'a'.repeat(MAX_CONTENT_SOURCE_BYTES + 1),
    })
    expect(huge.status).toBe(413)
    const deepHtml = `${'<ul><li>'.repeat(MAX_CONTENT_DEPTH)}deep${'</li></ul>'.repeat(MAX_CONTENT_DEPTH)}`
    const deep = await writeContent(node, doc.id, doc.edit, 'POST', { format: 'html', content: deepHtml })
    expect(deep.status).toBe(413)
    expect(((await deep.json()) as { error: { code: string } }).error.code).toBe('content_too_large')
    expect(await markdownOf(node, doc)).toBe(markdown)
    const created = await fetch(`${node.httpUrl}/api/documents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: deepHtml, format: 'html' }),
    })
    expect(created.status, 'no document is created from refused content').toBe(413)

    // Nobody is connected: every API call loaded the room and let it go again.
    await vi.waitFor(() => expect(node.server.rooms.size).toBe(0), { timeout: LIVE_DEADLINE_MS })
  })

  it('a PUT and a POST reach a connected editor live, and stay in the stored document', async () => {
    const node = await startNode({ storage: 'sqlite', secret: SECRET })
    const doc = await createDocument(node, { title: 'Notes' })
    const client = await connectEditor(node, doc)
    client.doc.getText('title').insert(5, ' (live)')

    const put = await writeContent(node, doc.id, doc.edit, 'PUT', {
      format: 'html',
      content: '<h2>Agenda</h2><p>first <b>item</b></p>',
    })
    expect(put.status).toBe(204)
    await vi.waitFor(() => expect(blocksSeenBy(client)).toEqual(['Agenda', 'first item']), {
      timeout: LIVE_DEADLINE_MS,
    })
    const post = await writeContent(node, doc.id, doc.edit, 'POST', {
      format: 'markdown',
      content: '- appended',
    })
    expect(post.status).toBe(204)
    await vi.waitFor(() => expect(blocksSeenBy(client)).toEqual(['Agenda', 'first item', 'appended']), {
      timeout: LIVE_DEADLINE_MS,
    })
    expect(client.doc.getText('title').toString(), 'the title is not content').toBe('Notes (live)')
    expect(await markdownOf(node, doc)).toBe('## Agenda\n\nfirst **item**\n\n- appended\n')

    // Stored before it was applied: a fresh load from disk has it.
    client.provider.destroy()
    await vi.waitFor(() => expect(node.server.rooms.size).toBe(0), { timeout: LIVE_DEADLINE_MS })
    expect(await markdownOf(node, doc)).toBe('## Agenda\n\nfirst **item**\n\n- appended\n')
  })

  it('answers 503 when storage refuses the edit, and changes nothing', async () => {
    const store = new RefusingStore()
    const node = await startNode({ secret: SECRET }, { store })
    const doc = await createDocument(node, { content: 'kept', format: 'markdown' })
    store.refuseAppends = true
    const put = await writeContent(node, doc.id, doc.edit, 'PUT', { format: 'markdown', content: 'lost' })
    expect(put.status).toBe(503)
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe('service_unavailable')
    store.refuseAppends = false
    expect(await markdownOf(node, doc)).toBe('kept\n')
  })

  it('an edit on one node reaches a socket on the other through the relay', async () => {
    const hub = new MemoryRelayHub()
    const store = new MemoryStore()
    const logger = createLogger('silent', false)
    const near = await startNode(
      { secret: SECRET, nodeId: 'near' },
      { store, relay: hub.createRelay('near', logger) },
    )
    const far = await startNode(
      { secret: SECRET, nodeId: 'far' },
      { store, relay: hub.createRelay('far', logger) },
    )
    const doc = await createDocument(near, { content: 'before', format: 'markdown' })
    const client = await connectEditor(far, doc)
    expect(blocksSeenBy(client)).toEqual(['before'])

    const put = await writeContent(near, doc.id, doc.edit, 'PUT', {
      format: 'markdown',
      content: '# From near',
    })
    expect(put.status).toBe(204)
    await vi.waitFor(() => expect(blocksSeenBy(client)).toEqual(['From near']), { timeout: LIVE_DEADLINE_MS })
    expect(await markdownOf(far, doc)).toBe('# From near\n')
    await vi.waitFor(() => expect(near.server.rooms.size, 'the near node let the room go').toBe(0), {
      timeout: LIVE_DEADLINE_MS,
    })
  })
})
