/** A document written by main (V1 layout) opened through a real server on a real SQLite file. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  CLOSE_CODES,
  createToken,
  LEGACY_V1_ROOT_NAME,
  LEXICAL_ROOT_NAME,
  TITLE_TEXT_NAME,
} from '@tandem/shared'
import { documentContent } from '@tandem/shared/editorNodes'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { databaseFile, SqliteStore } from '../src/persistence/sqlite/SqliteStore'
import { readLegacyEditorState } from '../src/rooms/migrateLegacyLayout'
import { connectRaw, connectStockClient, type StockClient, synced } from './helpers/clients'
import { describeV1Tree, readV2EditorState } from './helpers/lexicalDocuments'
import { startNode, type TestServer } from './helpers/startServer'

const SECRET = 'layout-migration-test-secret'
const V1_FIXTURE = readFileSync(new URL('./fixtures/v1-document.bin', import.meta.url))
const POLL = { timeout: 10_000, interval: 25 }
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A data directory whose SQLite store holds `updates` for `room`, written through the store API. */
async function dataDirHolding(room: string, updates: readonly Uint8Array[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-layout-'))
  dirs.push(dir)
  const store = new SqliteStore(databaseFile(dir))
  if (updates.length > 0) await store.append(updates.map((update) => ({ room, update })))
  await store.close()
  return dir
}

/** Rows in the room's update log, read through a second connection to the file. */
async function logRows(dataDir: string, room: string): Promise<number> {
  const store = new SqliteStore(databaseFile(dataDir))
  try {
    return (await store.logSize(room)).rows
  } finally {
    await store.close()
  }
}

function startOn(dataDir: string): Promise<TestServer> {
  return startNode({ dataDir, storage: 'sqlite', secret: SECRET })
}

async function token(room: string): Promise<string> {
  return createToken({ secret: SECRET, sub: 'reader', room, role: 'editor' })
}

async function join(server: TestServer, room: string): Promise<StockClient> {
  const client = connectStockClient(server.wsUrl, room, { token: await token(room) })
  await synced(client)
  return client
}

async function migrationsCounted(server: TestServer, result: 'migrated' | 'failed'): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text()
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`tandem_layout_migrations_total{result="${result}"}`))
  return line ? Number(line.split(' ')[1]) : 0
}

function v1Doc(): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, V1_FIXTURE)
  return doc
}

describe('layout migration on load', () => {
  it('serves a document from main in the V2 layout, stored once and kept across restarts', async () => {
    const room = 'from-main'
    const dataDir = await dataDirHolding(room, [V1_FIXTURE])
    const original = v1Doc()
    const expected = readLegacyEditorState(original)

    const first = await startOn(dataDir)
    const reader = await join(first, room)
    expect(documentContent(readV2EditorState(reader.doc))).toEqual(documentContent(expected))
    // The V1 tree (the kept copy of the old state) and the title arrive as stored.
    const legacyTree = describeV1Tree(original.get(LEGACY_V1_ROOT_NAME, Y.XmlText))
    expect(describeV1Tree(reader.doc.get(LEGACY_V1_ROOT_NAME, Y.XmlText))).toEqual(legacyTree)
    expect(reader.doc.getText(TITLE_TEXT_NAME).toString()).toBe(original.getText(TITLE_TEXT_NAME).toString())
    // Stored before anyone saw it: the log holds the fixture and the migration.
    expect(await logRows(dataDir, room)).toBe(2)
    expect(await migrationsCounted(first, 'migrated')).toBe(1)
    reader.provider.destroy()
    await first.server.close()
    // Closing compacted the room: what stays counts from there.
    const rowsAfterClose = await logRows(dataDir, room)

    const second = await startOn(dataDir)
    const later = await join(second, room)
    expect(documentContent(readV2EditorState(later.doc))).toEqual(documentContent(expected))
    expect(describeV1Tree(later.doc.get(LEGACY_V1_ROOT_NAME, Y.XmlText))).toEqual(legacyTree)
    expect(await logRows(dataDir, room)).toBe(rowsAfterClose)
    expect(await migrationsCounted(second, 'migrated')).toBe(0)
  })

  it('does not migrate a document created fresh', async () => {
    const room = 'fresh'
    const dataDir = await dataDirHolding(room, [])
    const server = await startOn(dataDir)
    const writer = await join(server, room)
    writer.doc.getText(TITLE_TEXT_NAME).insert(0, 'new document')
    const reader = await join(server, room)
    await vi.waitFor(() => expect(reader.doc.getText(TITLE_TEXT_NAME).toString()).toBe('new document'), POLL)

    expect(await logRows(dataDir, room)).toBe(1)
    expect(reader.doc.share.has(LEXICAL_ROOT_NAME)).toBe(false)
    expect(await migrationsCounted(server, 'migrated')).toBe(0)
  })

  it('refuses a document it cannot migrate (4500), storing nothing and counting it', async () => {
    const room = 'unreadable'
    const broken = v1Doc()
    const heading = broken.get(LEGACY_V1_ROOT_NAME, Y.XmlText).toDelta()[0].insert as Y.XmlText
    heading.setAttribute('__type', 'no-such-node')
    const dataDir = await dataDirHolding(room, [Y.encodeStateAsUpdate(broken)])
    const server = await startOn(dataDir)

    const socket = await connectRaw(`${server.wsUrl}/${room}?token=${await token(room)}`)
    let closeCode: number | undefined
    void socket.closed.then((code) => {
      closeCode = code
    })
    await vi.waitFor(() => expect(closeCode).toBe(CLOSE_CODES.ROOM_LOAD_FAILED.code), POLL)
    expect(await logRows(dataDir, room)).toBe(1)
    expect(await migrationsCounted(server, 'failed')).toBe(1)
  })

  it('shows the content once when two nodes migrate the same document at the same time', async () => {
    const room = 'two-nodes'
    const dataDir = await dataDirHolding(room, [V1_FIXTURE])
    const [a, b] = await Promise.all([startOn(dataDir), startOn(dataDir)])
    // Both loads read the store before either appends its migration, so both migrate.
    const [onA, onB] = await Promise.all([a.server.rooms.acquire(room), b.server.rooms.acquire(room)])
    expect(await migrationsCounted(a, 'migrated')).toBe(1)
    expect(await migrationsCounted(b, 'migrated')).toBe(1)
    expect(await logRows(dataDir, room)).toBe(3)

    const expected = readLegacyEditorState(v1Doc())
    expect(documentContent(readV2EditorState(onA.doc))).toEqual(documentContent(expected))
    expect(documentContent(readV2EditorState(onB.doc))).toEqual(documentContent(expected))
    // A third node loads both stored migrations: Yjs keeps one copy of the identical structs.
    const c = await startOn(dataDir)
    expect(documentContent(readV2EditorState((await join(c, room)).doc))).toEqual(documentContent(expected))
  })
})
