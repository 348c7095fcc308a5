/**
 * Comment threads on a real node with real SQLite: the commenter role (share links "can comment"),
 * the comments room beside each document, what the server refuses in it (text from a commenter,
 * forged authors, edits of others' comments, oversize comments), GET /api/documents/:id/comments,
 * comment.created webhooks, and threads surviving a restart.
 */
import {
  addComment,
  CLOSE_CODES,
  COMMENT_LIMITS,
  type CommentsResponse,
  commentsOf,
  commentsRoomName,
  createToken,
  deleteComment,
  editComment,
  encodeAnchorPosition,
  openThread,
  type ShareLink,
  setResolved,
  type TokenResponse,
  threadsOf,
  type VersionCommentsResponse,
  type VersionSummary,
} from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { usePostgres } from './helpers/postgresDatabase'
import { startNode } from './helpers/startServer'
import { startWebhookReceiver } from './helpers/webhookReceiver'

const postgres = usePostgres()

const SECRET = 'comments-test-secret-0123456789abcdef'
const WEBHOOK_SECRET = 'whsec-comments-0123456789'
const POLL = { timeout: 15_000, interval: 50 }
/** Tests poll the API; the per-address burst (60) is sized for people. */
const GENEROUS_API = { apiRateLimitBurst: 10_000, apiRateLimitPerSecond: 1_000 }

/** The close codes the client's sockets get from now on. */
function closeCodes(client: StockClient): number[] {
  const codes: number[] = []
  client.provider.on('connection-close', (event) => codes.push(event?.code ?? 0))
  return codes
}

/** An anchor on `text`'s characters [from, to). */
function anchorOn(text: Y.Text, from: number, to: number) {
  return {
    start: encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(text, from)),
    end: encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(text, to, -1)),
    quote: text.toString().slice(from, to),
  }
}

async function commenterKey(httpUrl: string, documentId: string, editKey: string): Promise<string> {
  const response = await fetch(`${httpUrl}/api/documents/${documentId}/keys`, {
    method: 'POST',
    headers: { Authorization: `ShareKey ${editKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'commenter', name: 'Ann' }),
  })
  expect(response.status).toBe(201)
  const link = (await response.json()) as ShareLink
  expect(link.role).toBe('commenter')
  return decodeURIComponent(new URL(link.url ?? '', httpUrl).hash.replace('#key=', ''))
}

async function listComments(httpUrl: string, documentId: string, key: string): Promise<CommentsResponse> {
  const response = await fetch(`${httpUrl}/api/documents/${documentId}/comments`, {
    headers: { Authorization: `ShareKey ${key}` },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as CommentsResponse
}

describe('comments', () => {
  it('a commenter comments but cannot change the text; threads follow edits, detach, survive a restart', async () => {
    const receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const options = {
      secret: SECRET,
      webhookUrls: [receiver.url],
      webhookSecret: WEBHOOK_SECRET,
      ...GENEROUS_API,
    }
    const node = await startNode(options, { webhookTimings: { retryBaseMs: 100, pollIntervalMs: 100 } })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Review me', name: 'Ann' })
    const id = doc.created.id
    const canComment = await commenterKey(node.httpUrl, id, doc.editKey)
    const exchanged = await fetch(`${node.httpUrl}/api/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ documentId: id, shareKey: canComment, name: 'Cleo' }),
    })
    const cleoSession = (await exchanged.json()) as TokenResponse
    expect(cleoSession.role).toBe('commenter')

    const ben = connectStockClient(node.wsUrl, id, {
      token: await exchangeKey(node.httpUrl, id, doc.editKey, 'Ben'),
    })
    await synced(ben)
    ben.text.insert(0, 'The quick brown fox.')

    // Cleo, a commenter, sends a text update over a stock y-websocket client: dropped, stored nowhere.
    const cleoText = connectStockClient(node.wsUrl, id, { token: cleoSession.token })
    await synced(cleoText)
    await vi.waitFor(() => expect(cleoText.text.toString()).toBe('The quick brown fox.'), POLL)
    cleoText.text.insert(0, 'FORGED ')
    const dropped = async () => {
      const metrics = await (await fetch(`${node.httpUrl}/metrics`)).text()
      return Number(/tandem_viewer_writes_dropped_total (\d+)/.exec(metrics)?.[1] ?? 0)
    }
    await vi.waitFor(async () => expect(await dropped()).toBeGreaterThan(0), POLL)
    const stored = await node.store.load(id)
    const storedDoc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(storedDoc, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(storedDoc, update)
    expect(storedDoc.getText('t').toString()).toBe('The quick brown fox.')
    expect(ben.text.toString()).toBe('The quick brown fox.')

    // In the comments room she may write: a thread on "quick brown", in her own name.
    const cleo = connectStockClient(node.wsUrl, commentsRoomName(id), { token: cleoSession.token })
    const benToken = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ben')
    const benComments = connectStockClient(node.wsUrl, commentsRoomName(id), { token: benToken })
    await Promise.all([synced(cleo), synced(benComments)])
    const cleoAuthor = { id: tokenSubject(cleoSession.token), name: 'Cleo' }
    const threadId = openThread(cleo.doc, cleoAuthor, anchorOn(ben.text, 4, 15), 'Is it quick, though?')
    await vi.waitFor(() => expect(commentsOf(benComments.doc).size).toBe(1), POLL)
    const benAuthor = { id: tokenSubject(benToken), name: 'Ben' }
    addComment(benComments.doc, benAuthor, threadId, 'Very, @Cleo.')
    setResolved(cleo.doc, cleoAuthor, threadId, true)
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads).toHaveLength(1)
      expect(threads[0]).toMatchObject({ quote: 'quick brown', detached: false, resolved: true })
      expect(threads[0]!.comments.map((c) => [c.authorName, c.body])).toEqual([
        ['Cleo', 'Is it quick, though?'],
        ['Ben', 'Very, @Cleo.'],
      ])
    }, POLL)

    // The webhook names the author as the server checked it.
    await vi.waitFor(() => {
      const created = receiver.accepted().filter((d) => d.event.type === 'comment.created')
      expect(created.map((d) => [d.event.authorName, d.event.body, d.event.threadId])).toEqual(
        expect.arrayContaining([
          ['Cleo', 'Is it quick, though?', threadId],
          ['Ben', 'Very, @Cleo.', threadId],
        ]),
      )
    }, POLL)

    // The anchored text is deleted entirely: the thread stays, detached, with its quote.
    ben.text.delete(4, 11)
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]).toMatchObject({ quote: 'quick brown', detached: true })
    }, POLL)

    // Everything survives a restart on the same SQLite file.
    for (const client of [ben, cleo, cleoText, benComments]) client.provider.destroy()
    await node.server.close()
    const again = await startNode({ ...options, dataDir: node.dataDir })
    const { threads } = await listComments(again.httpUrl, id, doc.viewKey)
    expect(threads.map((t) => [t.quote, t.resolved, t.comments.length])).toEqual([['quick brown', true, 2]])
  }, 60_000)

  it('refuses forged authors, edits of others’ comments, oversize bodies and viewers’ writes', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Rules', name: 'Ann' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    const annToken = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ann')
    const ann = connectStockClient(node.wsUrl, room, { token: annToken })
    await synced(ann)
    const annAuthor = { id: tokenSubject(annToken), name: 'Ann' }
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello')
    const threadId = openThread(ann.doc, annAuthor, anchorOn(text, 0, 5), 'Mine')
    const annComment = [...commentsOf(ann.doc).keys()][0]!
    await vi.waitFor(
      async () => expect((await listComments(node.httpUrl, id, doc.viewKey)).threads).toHaveLength(1),
      POLL,
    )

    /** A fresh client of `name` (with `key`), synced; returns it with its author and close codes. */
    const join = async (key: string, name: string) => {
      const token = await exchangeKey(node.httpUrl, id, key, name)
      const client = connectStockClient(node.wsUrl, room, { token })
      await synced(client)
      await vi.waitFor(() => expect(commentsOf(client.doc).size).toBeGreaterThan(0), POLL)
      return { client, author: { id: tokenSubject(token), name }, codes: closeCodes(client) }
    }
    const refusedWith = async (
      attempt: (client: StockClient, author: { id: string; name: string }) => void,
      code: number = CLOSE_CODES.MALFORMED_MESSAGE.code,
    ) => {
      const { client, author, codes } = await join(doc.editKey, 'Ben')
      attempt(client, author)
      await vi.waitFor(() => expect(codes[0]).toBe(code), POLL)
      client.provider.destroy()
    }
    // Writing in someone else's name, editing or deleting Ann's comment, a body over the limit:
    await refusedWith((client) => addComment(client.doc, annAuthor, threadId, 'I am Ann'))
    await refusedWith((client, ben) => addComment(client.doc, { ...ben, name: 'Ann' }, threadId, 'Hi'))
    await refusedWith((client) => editComment(client.doc, annComment, 'rewritten'))
    await refusedWith((client) => deleteComment(client.doc, annComment))
    await refusedWith((client, ben) =>
      addComment(client.doc, ben, threadId, 'x'.repeat(COMMENT_LIMITS.maxBodyLength + 1)),
    )
    await refusedWith((client) => client.doc.getText('text').insert(0, 'not a comment'))
    // A viewer's comment is dropped like its text would be.
    const viewer = await join(doc.viewKey, 'Vic')
    addComment(viewer.client.doc, viewer.author, threadId, 'Viewers cannot comment')

    // A reply of Ben's own goes through; none of the refused ones was stored.
    const ben = await join(doc.editKey, 'Ben')
    addComment(ben.client.doc, ben.author, threadId, 'A real reply')
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]!.comments.map((c) => [c.authorName, c.body])).toEqual([
        ['Ann', 'Mine'],
        ['Ben', 'A real reply'],
      ])
    }, POLL)
    expect(ben.codes).toEqual([])
  }, 60_000)
})

describe('comment rate limit', () => {
  it('guests of one share link share one allowance, however often they exchange the key (4429)', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Flood', name: 'Ann' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    const annToken = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ann')
    const ann = connectStockClient(node.wsUrl, room, { token: annToken })
    await synced(ann)
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello')
    const annAuthor = { id: tokenSubject(annToken), name: 'Ann' }
    // Three threads, so the 200 comments a thread may hold are not what stops the flood.
    const threadIds = [0, 1, 2].map((n) => openThread(ann.doc, annAuthor, anchorOn(text, 0, 5), `Open ${n}`))
    const link = await commenterKey(node.httpUrl, id, doc.editKey)
    const codes: number[] = []
    let sent = 0
    // Each exchange is a new guest subject, so a per-person allowance alone never ran out (177 in 1.25 s).
    for (let exchange = 0; exchange < 6 && !codes.includes(CLOSE_CODES.RATE_LIMITED.code); exchange++) {
      const token = await exchangeKey(node.httpUrl, id, link, 'Mallory')
      const mallory = connectStockClient(node.wsUrl, room, { token })
      mallory.provider.on('connection-close', (event) => codes.push(event?.code ?? 0))
      await synced(mallory)
      await vi.waitFor(() => expect(threadsOf(mallory.doc).size).toBe(3), POLL)
      const author = { id: tokenSubject(token), name: 'Mallory' }
      for (let i = 0; i < 59; i++) addComment(mallory.doc, author, threadIds[sent++ % 3]!, `spam ${sent}`)
    }
    await vi.waitFor(() => expect(codes).toContain(CLOSE_CODES.RATE_LIMITED.code), POLL)
    // Ann, on her own allowance, is untouched.
    addComment(ann.doc, annAuthor, threadIds[0]!, 'Still here')
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads.flatMap((t) => t.comments.map((c) => c.body))).toContain('Still here')
    }, POLL)
  }, 60_000)
})

describe('author names', () => {
  it('a share-link guest’s typed name is marked unverified with a tag from its id; an embedder’s is verified', async () => {
    const receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const node = await startNode(
      { secret: SECRET, webhookUrls: [receiver.url], webhookSecret: WEBHOOK_SECRET, ...GENEROUS_API },
      { webhookTimings: { retryBaseMs: 100, pollIntervalMs: 100 } },
    )
    const doc = await createDocumentOver(node.httpUrl, { title: 'Names', name: 'Alice' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    // Alice's app signs her in (an embedder's token: its name is vouched for); a link holder types "Alice".
    const realToken = await createToken({
      secret: SECRET,
      sub: 'user-alice',
      name: 'Alice',
      room: id,
      role: 'editor',
    })
    const fakeToken = await exchangeKey(node.httpUrl, id, doc.editKey, 'Alice')
    const fakeId = tokenSubject(fakeToken)
    const real = connectStockClient(node.wsUrl, room, { token: realToken })
    const fake = connectStockClient(node.wsUrl, room, { token: fakeToken })
    await Promise.all([synced(real), synced(fake)])
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello')
    const threadId = openThread(real.doc, { id: 'user-alice', name: 'Alice' }, anchorOn(text, 0, 5), 'Real')
    await vi.waitFor(() => expect(commentsOf(fake.doc).size).toBe(1), POLL)
    addComment(fake.doc, { id: fakeId, name: 'Alice' }, threadId, 'Fake', Date.now() + 1)

    const tag = `guest · ${fakeId.slice('guest-'.length, 'guest-'.length + 4)}`
    const expected = [
      { body: 'Real', authorName: 'Alice', authorVerified: true, authorLabel: 'Alice' },
      { body: 'Fake', authorName: 'Alice', authorVerified: false, authorLabel: `Alice (${tag})` },
    ]
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]?.comments).toMatchObject(expected)
    }, POLL)
    await vi.waitFor(() => {
      const created = receiver.accepted().filter((d) => d.event.type === 'comment.created')
      expect(created.map((d) => d.event)).toEqual(
        expect.arrayContaining(expected.map((comment) => expect.objectContaining(comment))),
      )
    }, POLL)
  }, 60_000)
})

describe('comments in the content API’s export', () => {
  it('?comments=1 appends the threads as the browser download does; off by default; refused with json', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Export', name: 'Ann' })
    const id = doc.created.id
    const written = await fetch(`${node.httpUrl}/api/documents/${id}/content`, {
      method: 'PUT',
      headers: { Authorization: `ShareKey ${doc.editKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 'markdown', content: 'The quick brown fox.' }),
    })
    expect(written.status).toBe(204)
    const token = await exchangeKey(node.httpUrl, id, doc.editKey, 'Cleo')
    const cleo = connectStockClient(node.wsUrl, commentsRoomName(id), { token })
    await synced(cleo)
    const text = new Y.Doc().getText('t')
    text.insert(0, 'quick brown')
    const author = { id: tokenSubject(token), name: 'Cleo' }
    openThread(cleo.doc, author, anchorOn(text, 0, 11), 'Is it *quick*?')
    await vi.waitFor(
      async () => expect((await listComments(node.httpUrl, id, doc.viewKey)).threads).toHaveLength(1),
      POLL,
    )
    const read = async (query: string) => {
      const response = await fetch(`${node.httpUrl}/api/documents/${id}/content?${query}`, {
        headers: { Authorization: `ShareKey ${doc.viewKey}` },
      })
      return { status: response.status, body: await response.text() }
    }
    const tag = `guest · ${author.id.slice('guest-'.length, 'guest-'.length + 4)}`
    // The tag is random: Markdown escapes its - and _ (as it would a name's), and so must the pattern.
    const markdownTag = tag.replace(/[\\`*_[\]<>#!|~=+-]/g, (char) => `\\${char}`)
    const tagPattern = markdownTag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const markdown = await read('format=markdown&comments=1')
    expect(markdown.status).toBe(200)
    expect(markdown.body).toMatch(/^The quick brown fox\.\n/)
    expect(markdown.body).toContain('## Comments')
    expect(markdown.body).toMatch(
      new RegExp(
        `1\\. > quick brown _\\(text deleted\\)_\n   - \\*\\*Cleo \\(${tagPattern}\\)\\*\\* \\([0-9: -]+\\): Is it \\\\\\*quick\\\\\\*\\?`,
      ),
    )
    const html = await read('format=html&comments=1')
    expect(html.body).toContain('<section class="comments"><h2>Comments</h2>')
    expect(html.body).toContain(`<strong>Cleo (${tag})</strong>`)
    const plain = await read('format=text&comments=1')
    expect(plain.body).toContain(`   Cleo (${tag}) (`)
    expect((await read('format=markdown')).body).not.toContain('Comments')
    expect((await read('format=json&comments=1')).status).toBe(400)
    expect((await read('format=text&comments=yes')).status).toBe(400)
  }, 60_000)
})

describe('comments in version history', () => {
  it('a version keeps its threads as they stood: a comment deleted and a thread resolved since still read as then', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'History', name: 'Ann' })
    const id = doc.created.id
    const token = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ben')
    const ben = connectStockClient(node.wsUrl, id, { token })
    const benComments = connectStockClient(node.wsUrl, commentsRoomName(id), { token })
    await Promise.all([synced(ben), synced(benComments)])
    ben.text.insert(0, 'The quick brown fox.')
    const author = { id: tokenSubject(token), name: 'Ben' }
    const threadId = openThread(benComments.doc, author, anchorOn(ben.text, 4, 15), 'Too slow?')
    // A second later: comments of one millisecond are ordered by their random ids.
    const replyId = addComment(
      benComments.doc,
      author,
      threadId,
      'On second thought, fine.',
      Date.now() + 1000,
    )
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]?.comments).toHaveLength(2)
    }, POLL)
    // The text room commits on its own: wait until the store holds the text before the version.
    await vi.waitFor(async () => expect((await node.store.load(id)).updates.length).toBeGreaterThan(0), POLL)

    const api = (path: string, init: RequestInit = {}, key = doc.viewKey) =>
      fetch(`${node.httpUrl}/api/documents/${id}/${path}`, {
        ...init,
        headers: { Authorization: `ShareKey ${key}`, 'Content-Type': 'application/json' },
      })
    const named = await api(
      'versions',
      { method: 'POST', body: JSON.stringify({ name: 'Reviewed' }) },
      doc.editKey,
    )
    expect(named.status).toBe(201)
    const versionId = ((await named.json()) as VersionSummary).id

    // Since then: the reply is deleted, the thread resolved, its text deleted.
    deleteComment(benComments.doc, replyId)
    setResolved(benComments.doc, author, threadId, true)
    ben.text.delete(4, 11)
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]).toMatchObject({ resolved: true, detached: true })
      expect(threads[0]!.comments).toHaveLength(1)
    }, POLL)

    // The version lists them as they were, judged against its own text.
    const read = await api(`versions/${versionId}?comments=1`)
    expect(read.status).toBe(200)
    const body = (await read.json()) as VersionCommentsResponse
    expect(body).toMatchObject({ recorded: true, skipped: 0 })
    expect(body.threads).toHaveLength(1)
    expect(body.threads[0]).toMatchObject({
      id: threadId,
      quote: 'quick brown',
      detached: false,
      resolved: false,
    })
    expect(body.threads[0]!.comments.map((c) => c.body)).toEqual(['Too slow?', 'On second thought, fine.'])

    // A version taken before comments were recorded says so; a format beside comments=1 is refused.
    const state = Y.encodeStateAsUpdate(ben.doc)
    const old = { documentId: id, versionId: 'old', kind: 'auto' as const, name: null, createdAt: 1 }
    const authors = { editors: [], clients: [], bytes: state.byteLength, commentsBytes: null }
    const retention = { maxCount: 10, maxBytes: 10_000_000 }
    expect(await node.store.addVersion({ ...old, ...authors, state, comments: null }, retention)).toBe(
      'stored',
    )
    expect(await (await api('versions/old?comments=1')).json()).toEqual({
      recorded: false,
      threads: [],
      skipped: 0,
    })
    expect((await api(`versions/${versionId}?comments=1&format=json`)).status).toBe(400)
    expect((await api(`versions/${versionId}?comments=yes`)).status).toBe(400)
    expect((await api('versions/nope?comments=1')).status).toBe(404)
    for (const client of [ben, benComments]) client.provider.destroy()
  }, 60_000)
})

describe('a comments document poisoned before the rules', () => {
  it('is read without its bad entries (API 200, reported), and still takes valid comments', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Poisoned', name: 'Ann' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    // Stored straight into the log, as an older server may have accepted it: a good legacy thread
    // and comment, then junk of every kind the rules now refuse.
    const poisoned = new Y.Doc()
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello')
    poisoned.transact(() => {
      threadsOf(poisoned).set('t1', {
        id: 't1',
        anchor: anchorOn(text, 0, 5),
        authorId: 'ann',
        createdAt: 1,
        resolved: false,
      })
      commentsOf(poisoned).set('c1', {
        id: 'c1',
        threadId: 't1',
        authorId: 'ann',
        authorName: 'Ann',
        body: 'Good',
        createdAt: 1,
      })
      commentsOf(poisoned).set('junk', undefined as never)
      commentsOf(poisoned).set('c2', { id: 'other', body: 42 } as never)
      threadsOf(poisoned).set('nested', new Y.Map() as never)
      poisoned.getMap('people').set('p', { name: 7 } as never)
      poisoned.getText('stray').insert(0, 'not comments')
    })
    // List content in the comments map: invisible to the map, but stored.
    const listed0 = new Y.Doc()
    listed0.getArray<number>('comments').insert(0, [1, 2])
    await node.store.append([
      { room, update: Y.encodeStateAsUpdate(poisoned) },
      { room, update: Y.encodeStateAsUpdate(listed0) },
    ])

    const listed = await fetch(`${node.httpUrl}/api/documents/${id}/comments`, {
      headers: { Authorization: `ShareKey ${doc.viewKey}` },
    })
    expect(listed.status).toBe(200)
    const body = (await listed.json()) as CommentsResponse
    expect(body.threads.map((t) => [t.id, t.comments.map((c) => c.body)])).toEqual([['t1', ['Good']]])
    expect(body.skipped).toBeGreaterThanOrEqual(5)

    // The check judges what an update changes: old junk does not lock the document.
    const token = await exchangeKey(node.httpUrl, id, doc.editKey, 'Ben')
    const ben = connectStockClient(node.wsUrl, room, { token })
    const codes = closeCodes(ben)
    await synced(ben)
    addComment(ben.doc, { id: tokenSubject(token), name: 'Ben' }, 't1', 'Still works')
    await vi.waitFor(async () => {
      const { threads } = await listComments(node.httpUrl, id, doc.viewKey)
      expect(threads[0]!.comments.map((c) => c.body)).toEqual(['Good', 'Still works'])
    }, POLL)
    expect(codes).toEqual([])
  }, 60_000)
})

describe('comment rate limit', () => {
  it('a person’s allowance outlives their socket and the room: reconnecting gives none back', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Rate', name: 'Ann' })
    const id = doc.created.id
    const room = commentsRoomName(id)
    // One browser (one device secret): the same person on every exchange.
    const session = async () => {
      const response = await fetch(`${node.httpUrl}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          documentId: id,
          shareKey: doc.editKey,
          name: 'Ann',
          deviceSecret: 'rate-limit-device-secret-0123456789',
        }),
      })
      const { token } = (await response.json()) as TokenResponse
      const client = connectStockClient(node.wsUrl, room, { token })
      await synced(client)
      return { client, author: { id: tokenSubject(token), name: 'Ann' }, codes: closeCodes(client) }
    }
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello')
    const first = await session()
    const threadId = openThread(first.client.doc, first.author, anchorOn(text, 0, 5), 'Start')
    // The whole burst, one update each.
    for (let i = 1; i < 60; i++) addComment(first.client.doc, first.author, threadId, `reply ${i}`)
    await vi.waitFor(async () => {
      expect((await listComments(node.httpUrl, id, doc.viewKey)).threads[0]?.comments).toHaveLength(60)
    }, POLL)
    expect(first.codes).toEqual([])
    first.client.provider.destroy()
    await vi.waitFor(() => expect(node.server.rooms.openRooms.map((r) => r.name)).not.toContain(room), POLL)

    // Back at once: the room is loaded afresh; the allowance is what the seconds since refilled
    // (5/s), well short of another burst.
    const second = await session()
    for (let i = 0; i < 60; i++) addComment(second.client.doc, second.author, threadId, `more ${i}`)
    await vi.waitFor(() => expect(second.codes[0]).toBe(CLOSE_CODES.RATE_LIMITED.code), POLL)
  }, 60_000)
})

/** The `sub` claim of a token (the id the server checks comment authors against). */
function tokenSubject(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    sub: string
  }
  return payload.sub
}

describe('comment sessions end with the right they rest on', () => {
  it('revoking a comment link closes its comments socket (4403); deleting the document closes the rest (4410)', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Revocable', name: 'Ann' })
    const id = doc.created.id
    const created = await fetch(`${node.httpUrl}/api/documents/${id}/keys`, {
      method: 'POST',
      headers: { Authorization: `ShareKey ${doc.editKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'commenter' }),
    })
    const link = (await created.json()) as ShareLink
    const key = decodeURIComponent(new URL(link.url ?? '', node.httpUrl).hash.replace('#key=', ''))
    const cleo = connectStockClient(node.wsUrl, commentsRoomName(id), {
      token: await exchangeKey(node.httpUrl, id, key, 'Cleo'),
    })
    const ann = connectStockClient(node.wsUrl, commentsRoomName(id), {
      token: await exchangeKey(node.httpUrl, id, doc.editKey, 'Ann'),
    })
    await Promise.all([synced(cleo), synced(ann)])
    const cleoCodes = closeCodes(cleo)
    const annCodes = closeCodes(ann)
    const revoked = await fetch(`${node.httpUrl}/api/documents/${id}/keys/${link.keyId}`, {
      method: 'DELETE',
      headers: { Authorization: `ShareKey ${doc.editKey}` },
    })
    expect(revoked.status).toBe(204)
    await vi.waitFor(() => expect(cleoCodes[0]).toBe(CLOSE_CODES.FORBIDDEN.code), POLL)
    expect(annCodes).toEqual([])
    const deleted = await fetch(`${node.httpUrl}/api/documents/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `ShareKey ${doc.editKey}` },
    })
    expect(deleted.status).toBe(204)
    await vi.waitFor(() => expect(annCodes[0]).toBe(CLOSE_CODES.DOCUMENT_DELETED.code), POLL)
  })
})

describe('guest ids from a device secret', () => {
  it('are stable per browser secret and document, random without one', async () => {
    const node = await startNode({ secret: SECRET, ...GENEROUS_API })
    const doc = await createDocumentOver(node.httpUrl, { title: 'Ids', name: 'Ann' })
    const other = await createDocumentOver(node.httpUrl, { title: 'Other', name: 'Ann' })
    const exchange = async (documentId: string, key: string, deviceSecret?: string) => {
      const response = await fetch(`${node.httpUrl}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ documentId, shareKey: key, name: 'Ann', deviceSecret }),
      })
      return {
        status: response.status,
        sub: response.ok ? tokenSubject(((await response.json()) as TokenResponse).token) : '',
      }
    }
    const secretA = 'a'.repeat(22)
    const id = doc.created.id
    const first = await exchange(id, doc.editKey, secretA)
    expect(first.status).toBe(200)
    expect((await exchange(id, doc.viewKey, secretA)).sub).toBe(first.sub)
    expect((await exchange(id, doc.editKey, 'b'.repeat(22))).sub).not.toBe(first.sub)
    expect((await exchange(other.created.id, other.editKey, secretA)).sub).not.toBe(first.sub)
    expect((await exchange(id, doc.editKey)).sub).not.toBe((await exchange(id, doc.editKey)).sub)
    expect((await exchange(id, doc.editKey, 'short')).status).toBe(400)
  })
})

describe('comments on PostgreSQL', () => {
  it('a commenter’s thread is stored in the comments room and read back after a restart', async () => {
    const databaseUrl = await postgres.createDatabase()
    const options = { secret: SECRET, storage: 'postgres' as const, databaseUrl, ...GENEROUS_API }
    const node = await startNode(options)
    const doc = await createDocumentOver(node.httpUrl, { title: 'On Postgres', name: 'Ann' })
    const id = doc.created.id
    const key = await commenterKey(node.httpUrl, id, doc.editKey)
    const token = await exchangeKey(node.httpUrl, id, key, 'Cleo')
    const cleo = connectStockClient(node.wsUrl, commentsRoomName(id), { token })
    await synced(cleo)
    const text = new Y.Doc().getText('t')
    text.insert(0, 'hello world')
    openThread(cleo.doc, { id: tokenSubject(token), name: 'Cleo' }, anchorOn(text, 6, 11), 'Which world?')
    await vi.waitFor(
      async () => expect((await listComments(node.httpUrl, id, key)).threads).toHaveLength(1),
      POLL,
    )
    cleo.provider.destroy()
    await node.server.close()
    const again = await startNode(options)
    const { threads } = await listComments(again.httpUrl, id, doc.viewKey)
    expect(threads.map((t) => [t.quote, t.comments.map((c) => c.body)])).toEqual([
      ['world', ['Which world?']],
    ])
  }, 60_000)
})
