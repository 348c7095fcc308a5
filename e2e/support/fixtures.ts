/**
 * Playwright fixtures: a real Tandem server per worker (fresh data directory, free port), helpers
 * to create documents through the API, and separate browser contexts per user.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Browser, test as base, type Page } from '@playwright/test'
import type { CreateDocumentResponse } from '@tandem/shared'
import { type SpawnedServer, spawnTandem } from '../../server/test/helpers/tandemProcess'

export const E2E_SECRET = 'e2e-secret'

export interface TandemServerHandle {
  readonly baseUrl: string
  readonly dataDir: string
  readonly process: SpawnedServer
}

/** Starts a server on a fresh (or given) data directory; the caller stops it. */
export async function startTandem(
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-e2e-')),
  env: Record<string, string> = {},
): Promise<TandemServerHandle> {
  const spawned = await spawnTandem({ DATA_DIR: dataDir, TANDEM_SECRET: E2E_SECRET, ...env })
  return { baseUrl: `http://127.0.0.1:${spawned.port}`, dataDir, process: spawned }
}

export async function createDocument(baseUrl: string, title = 'Untitled'): Promise<CreateDocumentResponse> {
  const res = await fetch(`${baseUrl}/api/documents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (res.status !== 201) throw new Error(`creating a document failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreateDocumentResponse
}

/** A user: their own browser context (no shared storage or BroadcastChannel with other users). */
export async function newUser(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext()
  await context.addInitScript((userName) => {
    // Pre-answer the first-visit name prompt so each test starts in the editor.
    if (!localStorage.getItem('tandem:name')) localStorage.setItem('tandem:name', JSON.stringify(userName))
  }, name)
  return context.newPage()
}

export const test = base.extend<object, { tandem: TandemServerHandle }>({
  tandem: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies this way.
    async ({}, use) => {
      const server = await startTandem()
      await use(server)
      await server.process.stop()
      rmSync(server.dataDir, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
})

export { expect } from '@playwright/test'
