/**
 * Version history on a real node (issue 19): two people connected over sockets, one of them typing
 * through a headless Lexical editor bound as the web app binds; a named version, more edits, and a
 * restore that reaches both sockets live while they stay connected and converge. Automatic versions
 * after a quiet spell and during long editing, with who edited and their Yjs client ids.
 */
import { createHeadlessEditor } from '@lexical/headless'
import {
  createToken,
  SHARE_LINK_PERSON_NAME,
  UNNAMED_PERSON_NAME,
  type VersionListResponse,
  type VersionSummary,
} from '@tandem/shared'
import { bindEditorV2 } from '@tandem/shared/bindEditorV2'
import { TITLE_TEXT_NAME } from '@tandem/shared/docLayout'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { $createParagraphNode, $createTextNode, $getRoot, type LexicalEditor } from 'lexical'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../src/logger'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { MemoryRelayHub } from '../src/relay/MemoryRelayHub'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { createDocumentOver, exchangeKey } from './helpers/documentApi'
import { readV2EditorState } from './helpers/lexicalDocuments'
import { startNode, type TestServer } from './helpers/startServer'
import { startWebhookReceiver } from './helpers/webhookReceiver'

const SECRET = 'version-history-test-secret-0123456789'
const WEBHOOK_SECRET = 'whsec-version-history-0123'
/** Generous: the machine is shared with other test runs. */
const DEADLINE = { timeout: 15_000, interval: 25 }

interface Person {
  readonly client: StockClient
  readonly editor: LexicalEditor
}

/** Connects `name` with a token from `shareKey` and binds a headless editor to its document. */
async function connectPerson(
  node: TestServer,
  documentId: string,
  shareKey: string,
  name: string,
): Promise<Person> {
  const token = await exchangeKey(node.httpUrl, documentId, shareKey, name)
  // Bound before it syncs, as the web app is: the editor then shows what the server sends.
  const client = connectStockClient(node.wsUrl, documentId, { token }, { connect: false })
  const editor = createHeadlessEditor({
    namespace: name,
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
  const bound = bindEditorV2(editor, client.doc)
  client.provider.connect()
  await synced(client)
  editor.update(() => {}, { discrete: true })
  onTestFinished(() => bound.unbind())
  return { client, editor }
}

function typeParagraph(person: Person, text: string): void {
  person.editor.update(
    () => {
      $getRoot().append($createParagraphNode().append($createTextNode(text)))
    },
    { discrete: true },
  )
}

function removeFirstBlock(person: Person): void {
  person.editor.update(() => $getRoot().getFirstChild()?.remove(), { discrete: true })
}

/** The text of each top-level block the socket's document holds, as the web app reads it. */
function blocksOf(client: StockClient): string[] {
  const textOf = (node: unknown): string => {
    const { text, children } = node as { text?: string; children?: unknown[] }
    return text ?? (children ?? []).map(textOf).join('')
  }
  return readV2EditorState(client.doc).root.children.map(textOf)
}

function api(
  node: TestServer,
  path: string,
  authorization: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${node.httpUrl}/api/documents/${path}`, {
    ...init,
    headers: { Authorization: authorization, 'Content-Type': 'application/json', ...init.headers },
  })
}

async function listVersions(
  node: TestServer,
  id: string,
  authorization: string,
): Promise<VersionListResponse> {
  const response = await api(node, `${id}/versions`, authorization)
  expect(response.status).toBe(200)
  return (await response.json()) as VersionListResponse
}

describe('version history', () => {
  it('names a version, restores it live for two connected people, and keeps what it replaced', async () => {
    const node = await startNode({ storage: 'sqlite', secret: SECRET })
    const { created, editKey, viewKey } = await createDocumentOver(node.httpUrl, {
      title: 'Plan',
      content: '# Plan\n\nfirst draft\n',
      format: 'markdown',
    })
    const id = created.id
    const edit = `ShareKey ${editKey}`
    const view = `ShareKey ${viewKey}`
    const ann = await connectPerson(node, id, editKey, 'Ann')
    const bob = await connectPerson(node, id, editKey, 'Bob')

    typeParagraph(ann, 'Ann was here')
    await vi.waitFor(
      () => expect(blocksOf(bob.client)).toEqual(['Plan', 'first draft', 'Ann was here']),
      DEADLINE,
    )

    // A named version of now, listing Ann (who edited since the last version) and her client id.
    const named = await api(node, `${id}/versions`, edit, {
      method: 'POST',
      body: JSON.stringify({ name: 'Sent to legal' }),
    })
    expect(named.status).toBe(201)
    const version = (await named.json()) as VersionSummary
    expect(version).toMatchObject({ kind: 'named', name: 'Sent to legal', editors: ['Ann'] })
    expect(version.clients).toContainEqual([ann.client.doc.clientID, 'Ann'])
    const namedMarkdown = await (await api(node, `${id}/versions/${version.id}?format=markdown`, view)).text()
    expect(namedMarkdown).toBe('# Plan\n\nfirst draft\n\nAnn was here\n')

    // More edits by both, then a viewer may browse but not restore.
    removeFirstBlock(bob)
    typeParagraph(ann, 'after naming')
    await vi.waitFor(
      () => expect(blocksOf(ann.client)).toEqual(['first draft', 'Ann was here', 'after naming']),
      DEADLINE,
    )
    await vi.waitFor(() => expect(blocksOf(bob.client)).toEqual(blocksOf(ann.client)), DEADLINE)
    expect((await listVersions(node, id, view)).canEdit).toBe(false)
    expect((await api(node, `${id}/versions/${version.id}/restore`, view, { method: 'POST' })).status).toBe(
      403,
    )
    expect((await api(node, `${id}/versions`, view, { method: 'POST', body: '{"name":"x"}' })).status).toBe(
      403,
    )

    const restored = await api(node, `${id}/versions/${version.id}/restore`, edit, { method: 'POST' })
    expect(restored.status).toBe(204)
    // Both see the named version live, still connected, and their documents converge.
    for (const person of [ann, bob]) {
      await vi.waitFor(
        () => expect(blocksOf(person.client)).toEqual(['Plan', 'first draft', 'Ann was here']),
        DEADLINE,
      )
      expect(person.client.provider.wsconnected).toBe(true)
    }
    await vi.waitFor(
      () => expect(Y.encodeStateVector(ann.client.doc)).toEqual(Y.encodeStateVector(bob.client.doc)),
      DEADLINE,
    )
    const live = await (
      await fetch(`${node.httpUrl}/api/documents/${id}/content?format=markdown`, {
        headers: { Authorization: view },
      })
    ).text()
    expect(live).toBe(namedMarkdown)
    // Editing goes on after the restore, for both.
    typeParagraph(bob, 'Bob after restore')
    await vi.waitFor(() => expect(blocksOf(ann.client)).toContain('Bob after restore'), DEADLINE)

    // What the restore replaced was kept: an automatic version taken just before it, by Ann and Bob.
    const { versions } = await listVersions(node, id, edit)
    const before = versions.find((v) => v.kind === 'auto')
    expect([...(before?.editors ?? [])].sort()).toEqual(['Ann', 'Bob'])
    const beforeMarkdown = await (
      await api(node, `${id}/versions/${before!.id}?format=markdown`, edit)
    ).text()
    expect(beforeMarkdown).toBe('first draft\n\nAnn was here\n\nafter naming\n')

    // Rename; bad names and unknown versions are refused.
    const renamed = await api(node, `${id}/versions/${version.id}`, edit, {
      method: 'PATCH',
      body: '{"name":"Final"}',
    })
    expect(((await renamed.json()) as VersionSummary).name).toBe('Final')
    expect(
      (await api(node, `${id}/versions/${version.id}`, edit, { method: 'PATCH', body: '{"name":""}' }))
        .status,
    ).toBe(400)
    expect((await api(node, `${id}/versions/nope`, edit)).status).toBe(404)
    expect((await api(node, `${id}/versions/${version.id}?format=docx`, edit)).status).toBe(400)
    const state = await api(node, `${id}/versions/${version.id}?format=yjs`, view)
    expect(state.headers.get('content-type')).toBe('application/octet-stream')
    expect((await state.arrayBuffer()).byteLength).toBe(version.bytes)
  })

  it('takes automatic versions when editing goes quiet and during long editing, announces them, and can keep viewers out', async () => {
    const receiver = await startWebhookReceiver(WEBHOOK_SECRET)
    const node = await startNode(
      {
        storage: 'sqlite',
        secret: SECRET,
        versionIdleMs: 300,
        versionMaxIntervalMs: 1500,
        historyForViewers: false,
        webhookUrls: [receiver.url],
        webhookSecret: WEBHOOK_SECRET,
      },
      { webhookTimings: { retryBaseMs: 100, pollIntervalMs: 100 } },
    )
    const { created, editKey, viewKey } = await createDocumentOver(node.httpUrl, { title: 'Auto' })
    const id = created.id
    const edit = `ShareKey ${editKey}`
    const ann = await connectPerson(node, id, editKey, 'Ann')

    typeParagraph(ann, 'one')
    await vi.waitFor(
      async () => expect((await listVersions(node, id, edit)).versions).toHaveLength(1),
      DEADLINE,
    )
    const [quiet] = (await listVersions(node, id, edit)).versions
    expect(quiet).toMatchObject({ kind: 'auto', name: null, editors: ['Ann'] })
    expect(quiet!.clients).toContainEqual([ann.client.doc.clientID, 'Ann'])
    await vi.waitFor(() => {
      const announced = receiver.accepted().find((delivery) => delivery.event.type === 'version.created')
      expect(announced?.event).toMatchObject({
        documentId: id,
        versionId: quiet!.id,
        kind: 'auto',
        name: null,
        editors: ['Ann'],
      })
    }, DEADLINE)

    // Typing every 100 ms never goes quiet for 300 ms: versions still come, at most 1.5 s apart.
    const started = Date.now()
    let typed = 0
    while (Date.now() - started < 2500) {
      typeParagraph(ann, `word ${typed++}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const during = (await listVersions(node, id, edit)).versions.filter((v) => v.createdAt > started)
    expect(during.length).toBeGreaterThanOrEqual(1)
    // ... and only that often: each commit restarts the quiet wait (else one every 300 ms, about 8).
    expect(during.length).toBeLessThanOrEqual(2)

    // HISTORY_FOR_VIEWERS=false: a viewer gets 403 for every version route.
    expect((await api(node, `${id}/versions`, `ShareKey ${viewKey}`)).status).toBe(403)
    expect(
      (await api(node, `${id}/versions/${quiet!.id}?format=markdown`, `ShareKey ${viewKey}`)).status,
    ).toBe(403)
  })

  it('in a cluster, the node that stored the edits records their version, the other does not', async () => {
    const hub = new MemoryRelayHub()
    const store = new MemoryStore()
    const logger = createLogger('silent', false)
    const options = { secret: SECRET, versionIdleMs: 300 }
    const near = await startNode(
      { ...options, nodeId: 'near' },
      { store, relay: hub.createRelay('near', logger) },
    )
    const far = await startNode(
      { ...options, nodeId: 'far' },
      { store, relay: hub.createRelay('far', logger) },
    )
    const { created, editKey } = await createDocumentOver(near.httpUrl, { title: 'Shared' })
    const id = created.id
    const edit = `ShareKey ${editKey}`
    const ann = await connectPerson(near, id, editKey, 'Ann')
    const bob = await connectPerson(far, id, editKey, 'Bob')

    typeParagraph(ann, 'from near')
    await vi.waitFor(() => expect(blocksOf(bob.client)).toContain('from near'), DEADLINE)
    await vi.waitFor(
      async () => expect((await listVersions(far, id, edit)).versions).toHaveLength(1),
      DEADLINE,
    )
    typeParagraph(bob, 'from far')
    await vi.waitFor(
      async () => expect((await listVersions(near, id, edit)).versions).toHaveLength(2),
      DEADLINE,
    )
    expect((await listVersions(near, id, edit)).versions[0]?.editors).toEqual(['Bob'])
  })

  it('lists a person whose token has no name as Guest, and a restore made with a share key as someone with the link', async () => {
    const node = await startNode({ secret: SECRET, versionIdleMs: 300 })
    const { created, editKey } = await createDocumentOver(node.httpUrl, { title: 'Draft' })
    const id = created.id
    const edit = `ShareKey ${editKey}`
    // A host backend's token: a subject, no name.
    const token = await createToken({ secret: SECRET, sub: 'host-user-7f3a', room: id, role: 'editor' })
    const guest = connectStockClient(node.wsUrl, id, { token })
    await synced(guest)
    const title = guest.doc.getText(TITLE_TEXT_NAME)
    guest.doc.transact(() => title.insert(title.length, ' one'))
    await vi.waitFor(
      async () => expect((await listVersions(node, id, edit)).versions).toHaveLength(1),
      DEADLINE,
    )
    const [first] = (await listVersions(node, id, edit)).versions
    expect(first).toMatchObject({
      editors: [UNNAMED_PERSON_NAME],
      clients: [[guest.doc.clientID, UNNAMED_PERSON_NAME]],
    })

    guest.doc.transact(() => title.insert(title.length, ' two'))
    await vi.waitFor(
      async () => expect((await listVersions(node, id, edit)).versions).toHaveLength(2),
      DEADLINE,
    )
    const restored = await api(node, `${id}/versions/${first!.id}/restore`, edit, { method: 'POST' })
    expect(restored.status).toBe(204)
    await vi.waitFor(() => expect(title.toString()).toBe('Draft one'), DEADLINE)
    await vi.waitFor(
      async () => expect((await listVersions(node, id, edit)).versions).toHaveLength(3),
      DEADLINE,
    )
    const [newest] = (await listVersions(node, id, edit)).versions
    expect(newest!.editors).toEqual([SHARE_LINK_PERSON_NAME])
    const listed = JSON.stringify((await listVersions(node, id, edit)).versions)
    expect(listed).not.toContain('host-user-7f3a')
    expect(listed).not.toContain('share-key:')
  })
})
