/**
 * The production build (server/build.mjs), as `npm start` and the image run it: the suite otherwise
 * runs the TypeScript sources, so this is what proves the bundle works. Everything but a few packages
 * is bundled (build.mjs), yjs with lexical and @lexical/yjs: the process must hold one copy of yjs,
 * sync stock y-websocket clients, and run the content worker (headless Lexical) from its own bundle.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { CreateDocumentResponse, TokenResponse } from '@tandem/shared'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { connectStockClient, type StockClient, synced } from './helpers/clients'
import { readV2EditorState } from './helpers/lexicalDocuments'
import { type SpawnedServer, spawnTandem } from './helpers/tandemProcess'

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'compiled-server-test-secret-0123456789'
const LIVE = { timeout: 10_000, interval: 25 }

let outDir: string
let dataDir: string
let server: SpawnedServer

beforeAll(async () => {
  // Inside server/ (build.mjs): the external packages resolve from node_modules as they do for dist.
  outDir = mkdtempSync(path.join(SERVER_DIR, '.build-test-'))
  dataDir = mkdtempSync(path.join(SERVER_DIR, '.build-test-data-'))
  await promisify(execFile)(process.execPath, ['build.mjs'], {
    cwd: SERVER_DIR,
    env: { ...process.env, BUILD_OUT_DIR: outDir },
  })
  server = await spawnTandem({ DATA_DIR: dataDir, TANDEM_SECRET: SECRET }, path.join(outDir, 'main.js'))
}, 120_000)

afterAll(async () => {
  await server?.stop()
  rmSync(outDir, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
})

function textOfBlocks(client: StockClient): string[] {
  const textOf = (node: unknown): string => {
    const { text, children } = node as { text?: string; children?: unknown[] }
    return text ?? (children ?? []).map(textOf).join('')
  }
  return readV2EditorState(client.doc).root.children.map(textOf)
}

describe('the compiled server', () => {
  it('creates a document through the content worker, syncs stock clients and holds one yjs', async () => {
    const http = `http://127.0.0.1:${server.port}`
    const created = await fetch(`${http}/api/documents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Built', content: '# Built\n\nfrom the bundle\n', format: 'markdown' }),
    })
    expect(created.status, await created.clone().text()).toBe(201)
    const document = (await created.json()) as CreateDocumentResponse
    const editKey = new URL(document.editLink.url, http).hash.replace('#key=', '')

    async function join(name: string): Promise<StockClient> {
      const response = await fetch(`${http}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ documentId: document.id, shareKey: editKey, name }),
      })
      const { token } = (await response.json()) as TokenResponse
      const client = connectStockClient(`ws://127.0.0.1:${server.port}/ws`, document.id, { token })
      await synced(client)
      return client
    }
    const ann = await join('Ann')
    const bob = await join('Bob')
    expect(textOfBlocks(ann)).toEqual(['Built', 'from the bundle'])

    // A server-side edit (content worker, then the room) reaches both sockets live.
    const appended = await fetch(`${http}/api/documents/${document.id}/content`, {
      method: 'POST',
      headers: { Authorization: `ShareKey ${editKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 'markdown', content: 'appended live\n' }),
    })
    expect(appended.status, await appended.clone().text()).toBeLessThan(300)
    for (const client of [ann, bob]) {
      await vi.waitFor(
        () => expect(textOfBlocks(client)).toEqual(['Built', 'from the bundle', 'appended live']),
        LIVE,
      )
    }
    const markdown = await fetch(`${http}/api/documents/${document.id}/content?format=markdown`, {
      headers: { Authorization: `ShareKey ${editKey}` },
    })
    expect(await markdown.text()).toBe('# Built\n\nfrom the bundle\n\nappended live\n')
    // Yjs warns on stderr when a second copy of it loads into the same process.
    expect(server.output()).not.toContain('Yjs was already imported')
  })
})
