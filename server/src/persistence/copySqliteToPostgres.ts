/**
 * Moves a deployment from SQLite to Postgres: documents (with their last edit time), share keys,
 * uploaded images, webhook deliveries not yet sent and every room's state, in one transaction.
 */
import fs from 'node:fs'
import { crc32 } from 'node:zlib'
import Database from 'better-sqlite3'
import pg from 'pg'
import * as Y from 'yjs'
import { compactUpdatesAdaptive } from './compactUpdates'
import { PostgresStore } from './postgres/PostgresStore'
import { type DocumentRow, type ShareKeyRow, writeVersionRow } from './rowCodec'
import { StorageError } from './StorageError'
import { SqliteStore } from './sqlite/SqliteStore'

export interface CopyOptions {
  /** Copy into a target that already holds data, merging: existing records win, room states are merged. */
  readonly force?: boolean
}

export interface CopySummary {
  readonly documents: number
  readonly shareKeys: number
  /** Uploaded images copied. */
  readonly uploads: number
  /** Webhook deliveries still waiting to be sent, copied so none is lost in the move. */
  readonly deliveries: number
  /** Versions (history) copied. */
  readonly versions: number
  readonly rooms: number
  /** Total size of the room snapshots written. */
  readonly bytes: number
  /** Records skipped because the target already had them (only with `force`). */
  readonly skipped: number
}

const TABLES = [
  'tandem_updates',
  'tandem_snapshots',
  'tandem_documents',
  'tandem_share_keys',
  'tandem_uploads',
  'tandem_webhook_outbox',
  'tandem_versions',
] as const

/**
 * Copies everything in the SQLite database `sourceFile` into the Postgres database at `targetUrl`
 * (migrating its schema first). Each room's snapshot and log are folded into one snapshot. All of
 * it is written in one transaction, so a failure while copying leaves the target as it was; after
 * the commit every room is read back through the store and checked against the source. Refuses (StorageError 'conflict') a target that already holds data unless
 * `force`; with `force`, existing documents and keys are kept and a room that already has state
 * gets the copied state appended to its log, which Yjs merges (so running twice changes no text).
 * Rejects (`corrupt`) without writing anything when a source room fails its checksum.
 */
export async function copySqliteToPostgres(
  sourceFile: string,
  targetUrl: string,
  options: CopyOptions = {},
): Promise<CopySummary> {
  if (!fs.existsSync(sourceFile)) throw new StorageError('unavailable', `no SQLite database at ${sourceFile}`)
  const listing = new Database(sourceFile, { readonly: true, fileMustExist: true })
  const source = new SqliteStore(sourceFile)
  const target = new PostgresStore(targetUrl, { healthProbeIntervalMs: 0 })
  const client = new pg.Client({ connectionString: targetUrl })
  // A broken connection also rejects the statement in progress; the event alone must not crash us.
  client.on('error', () => {})
  try {
    await target.ready()
    await client.connect()
    await client.query('BEGIN')
    if (!options.force) await assertEmpty(client)
    let skipped = 0
    const documents = listing
      .prepare('SELECT id, title, created_at, deleted_at, changed_at FROM documents')
      .all() as (DocumentRow & { changed_at: number | null })[]
    for (const row of documents) {
      const { rowCount } = await client.query(
        `INSERT INTO tandem_documents (id, title, created_at, deleted_at, changed_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [row.id, row.title, row.created_at, row.deleted_at, row.changed_at],
      )
      if (rowCount === 0) skipped++
    }
    const keys = listing
      .prepare(
        'SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by FROM share_keys',
      )
      .all() as ShareKeyRow[]
    for (const row of keys) {
      const { rowCount } = await client.query(
        `INSERT INTO tandem_share_keys (key_id, document_id, role, key_hash, created_at, revoked_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [row.key_id, row.document_id, row.role, row.key_hash, row.created_at, row.revoked_at, row.created_by],
      )
      if (rowCount === 0) skipped++
    }
    // Read through the store, one at a time: each image's checksum is checked and only one is in memory.
    const uploadKeys = listing.prepare('SELECT document_id, hash FROM uploads').all() as {
      document_id: string
      hash: string
    }[]
    for (const { document_id: documentId, hash } of uploadKeys) {
      const upload = await source.getUpload(documentId, hash)
      if (upload === null) continue
      const { rowCount } = await client.query(
        `INSERT INTO tandem_uploads (document_id, hash, type, bytes, data, crc32, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [
          upload.documentId,
          upload.hash,
          upload.type,
          upload.bytes,
          Buffer.from(upload.data.buffer, upload.data.byteOffset, upload.data.byteLength),
          crc32(upload.data) | 0,
          upload.createdAt,
        ],
      )
      if (rowCount === 0) skipped++
    }
    // In their order, as they were due. A delivery already in the target (a second run with force)
    // is not queued twice; receivers drop repeats by event id anyway.
    const deliveries = listing
      .prepare('SELECT url, body, attempts, next_attempt_at, created_at FROM webhook_outbox ORDER BY id')
      .all() as { url: string; body: string; attempts: number; next_attempt_at: number; created_at: number }[]
    for (const row of deliveries) {
      const { rowCount } = await client.query(
        `INSERT INTO tandem_webhook_outbox (url, body, attempts, next_attempt_at, created_at)
         SELECT $1, $2, $3, $4, $5
         WHERE NOT EXISTS (SELECT 1 FROM tandem_webhook_outbox WHERE url = $1 AND body = $2)`,
        [row.url, row.body, row.attempts, row.next_attempt_at, row.created_at],
      )
      if (rowCount === 0) skipped++
    }
    // Versions likewise, one state in memory at a time, each checked against its checksum.
    const versionKeys = listing.prepare('SELECT document_id, version_id FROM versions').all() as {
      document_id: string
      version_id: string
    }[]
    for (const { document_id: documentId, version_id: versionId } of versionKeys) {
      const version = await source.getVersion(documentId, versionId)
      if (version === null) continue
      const row = writeVersionRow(version)
      const { rowCount } = await client.query(
        `INSERT INTO tandem_versions (document_id, version_id, kind, name, created_at, bytes, editors, clients, data, crc32,
           comments, comments_crc32, comments_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
        [
          row.document_id,
          row.version_id,
          row.kind,
          row.name,
          row.created_at,
          row.bytes,
          row.editors,
          row.clients,
          Buffer.from(version.state.buffer, version.state.byteOffset, version.state.byteLength),
          row.crc32 | 0,
          version.comments === null
            ? null
            : Buffer.from(version.comments.buffer, version.comments.byteOffset, version.comments.byteLength),
          row.comments_crc32 === null ? null : row.comments_crc32 | 0,
          row.comments_bytes,
        ],
      )
      if (rowCount === 0) skipped++
    }
    const rooms = (
      listing
        .prepare('SELECT room FROM snapshots UNION SELECT DISTINCT room FROM updates ORDER BY room')
        .all() as {
        room: string
      }[]
    ).map(({ room }) => room)
    const expected = new Map<string, Map<number, number>>()
    let bytes = 0
    for (const room of rooms) {
      const stored = await source.load(room)
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : [...stored.updates]
      const state = await compactUpdatesAdaptive(parts)
      await writeRoomState(client, room, state)
      expected.set(room, stateVectorOf([state]))
      bytes += state.byteLength
    }
    await client.query('COMMIT')
    await verify(target, expected)
    return {
      documents: documents.length,
      shareKeys: keys.length,
      uploads: uploadKeys.length,
      deliveries: deliveries.length,
      versions: versionKeys.length,
      rooms: rooms.length,
      bytes,
      skipped,
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    await client.end().catch(() => {})
    await target.close()
    await source.close()
    listing.close()
  }
}

async function assertEmpty(client: pg.Client): Promise<void> {
  for (const table of TABLES) {
    const { rowCount } = await client.query(`SELECT 1 FROM ${table} LIMIT 1`)
    if (rowCount) {
      throw new StorageError(
        'conflict',
        `the target database already holds data (${table}); use --force to merge into it`,
      )
    }
  }
}

/** The room's first snapshot when it has none in the target; otherwise one log row that Yjs merges on load. */
async function writeRoomState(client: pg.Client, room: string, state: Uint8Array): Promise<void> {
  const data = Buffer.from(state.buffer, state.byteOffset, state.byteLength)
  const checksum = crc32(state) | 0
  const { rowCount } = await client.query(
    `INSERT INTO tandem_snapshots (room, data, crc32, version, compacted_at) VALUES ($1, $2, $3, 1, $4)
     ON CONFLICT (room) DO NOTHING`,
    [room, data, checksum, Date.now()],
  )
  if (rowCount === 0) {
    await client.query('INSERT INTO tandem_updates (room, data, crc32) VALUES ($1, $2, $3)', [
      room,
      data,
      checksum,
    ])
  }
}

/**
 * The state vector of the document `parts` make. Computed through a Y.Doc on both sides, so updates
 * still waiting for missing predecessors count the same way in the source and the target.
 */
function stateVectorOf(parts: readonly Uint8Array[]): Map<number, number> {
  const doc = new Y.Doc()
  try {
    for (const part of parts) Y.applyUpdate(doc, part)
    return Y.decodeStateVector(Y.encodeStateVector(doc))
  } finally {
    doc.destroy()
  }
}

/** Reads every copied room back through the store (checksums included) and checks nothing is missing. */
async function verify(
  target: PostgresStore,
  expected: ReadonlyMap<string, Map<number, number>>,
): Promise<void> {
  for (const [room, stateVector] of expected) {
    const stored = await target.load(room)
    const have = stateVectorOf(stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates)
    for (const [clientId, clock] of stateVector) {
      if ((have.get(clientId) ?? 0) < clock) {
        throw new StorageError(
          'unavailable',
          `room ${JSON.stringify(room)} reads back incomplete from the target`,
        )
      }
    }
  }
}
