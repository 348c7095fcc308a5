/** Starts a real Tandem server on a free port for one test and registers its teardown with the test. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'
import { type Config, loadConfig, type OptionValues } from '../../src/config'
import type { ConnectionIdentity } from '../../src/connection/Connection'
import { createNode, type NodeAdapters } from '../../src/createNode'
import type { Authenticate } from '../../src/http/upgrade'
import { createLogger } from '../../src/logger'
import type { DocumentStore } from '../../src/persistence/DocumentStore'
import { MemoryStore } from '../../src/persistence/memory/MemoryStore'
import { createTandemServer, type TandemServer, type TandemServerParts } from '../../src/server'

export interface TestServer {
  readonly server: TandemServer
  readonly store: DocumentStore
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly httpUrl: string
  /** `ws://127.0.0.1:<port>/ws` — the serverUrl a y-websocket provider takes. */
  readonly wsUrl: string
  readonly dataDir: string
}

/**
 * Test-only identity: `?role=viewer` on the URL makes a viewer; everyone else edits. `?user=` is the
 * subject (default `tester`), `?name=` the token's display name (default none).
 */
export const roleFromQuery: Authenticate = async (request) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const identity: ConnectionIdentity = {
    userId: url.searchParams.get('user') ?? 'tester',
    ...(url.searchParams.has('name') ? { name: url.searchParams.get('name') ?? '' } : {}),
    role: url.searchParams.get('role') === 'viewer' ? 'viewer' : 'editor',
    expiresAtMs: null,
  }
  return identity
}

export async function startServer(
  overrides: Partial<OptionValues> = {},
  parts: Partial<TandemServerParts> = {},
): Promise<TestServer> {
  return listenForTest(overrides, async (config) =>
    createTandemServer(config, {
      authenticate: roleFromQuery,
      ...parts,
      store: parts.store ?? new MemoryStore(),
    }),
  )
}

/** A production-assembled node (token auth, API, configured store) in this process, on a free port. */
export async function startNode(
  overrides: Partial<OptionValues> = {},
  adapters: NodeAdapters = {},
): Promise<TestServer> {
  return listenForTest(overrides, (config) => createNode(config, createLogger('silent', false), adapters))
}

/**
 * Two nodes, 'a' and 'b', on one store (`overrides` names it: a PostgreSQL database, or SQLite in
 * the shared data directory) and, through `overrides.redis`, one relay: a cluster of two.
 */
export async function startNodePair(overrides: Partial<OptionValues>): Promise<[TestServer, TestServer]> {
  const a = await startNode({ ...overrides, nodeId: 'a' })
  const b = await startNode({ ...overrides, nodeId: 'b', dataDir: a.dataDir })
  return [a, b]
}

/**
 * startNode for a whole file (from beforeAll): the caller tears it down with the returned close,
 * from afterAll, since onTestFinished only works inside a test.
 */
export async function startSharedNode(
  overrides: Partial<OptionValues> = {},
  adapters: NodeAdapters = {},
): Promise<{ readonly node: TestServer; readonly close: () => Promise<void> }> {
  let close: () => Promise<void> = async () => {}
  const node = await listenForTest(
    overrides,
    (config) => createNode(config, createLogger('silent', false), adapters),
    (teardown) => {
      close = teardown
    },
  )
  return { node, close: () => close() }
}

/** Builds a server on a fresh data directory, listens on a free port, and tears both down with the test. */
async function listenForTest(
  overrides: Partial<OptionValues>,
  build: (config: Config) => Promise<TandemServer>,
  registerTeardown: (teardown: () => Promise<void>) => void = onTestFinished,
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-test-'))
  const config = loadConfig({}, [], { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', ...overrides })
  const server = await build(config)
  const port = await server.listen()
  registerTeardown(async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    server,
    store: server.store,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
  }
}
