/** Forward-only schema migrations of the Postgres store; the `tandem_schema` table counts the steps applied. */
import type pg from 'pg'
import { StorageError } from '../StorageError'

/**
 * Step `i` moves the schema from version `i` to `i + 1`. Append new steps; never edit or reorder a
 * step that has shipped, since databases in the field have already run it. Tables carry a
 * `tandem_` prefix so the store can share a database with other applications.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  -- Ids order a room's log. Sequence values are handed out at INSERT but become visible at COMMIT,
  -- so a smaller id can appear after a larger one was read: compaction therefore deletes exactly
  -- the ids it folded in, never "id <= the largest it saw".
  CREATE TABLE tandem_updates (
    id BIGSERIAL PRIMARY KEY,
    room TEXT NOT NULL,
    data BYTEA NOT NULL,
    -- CRC-32 of data as a signed 32-bit integer (the unsigned value | 0).
    crc32 INTEGER NOT NULL
  );
  CREATE INDEX tandem_updates_by_room ON tandem_updates (room, id);

  -- version is bumped by every compaction; a compaction only commits if the version it read is
  -- still current (optimistic concurrency between nodes).
  CREATE TABLE tandem_snapshots (
    room TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    crc32 INTEGER NOT NULL,
    version BIGINT NOT NULL,
    compacted_at BIGINT NOT NULL
  );

  CREATE TABLE tandem_documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
  );

  CREATE TABLE tandem_share_keys (
    key_id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    UNIQUE (document_id, key_hash)
  );
  `,
  `
  -- Who made a share key, for the share dialog's list; NULL for keys made before this step.
  -- Listing a document's keys walks the UNIQUE (document_id, key_hash) index.
  ALTER TABLE tandem_share_keys ADD COLUMN created_by TEXT;
  `,
  `
  -- Last recorded edit of a document (GET /api/documents); NULL until the first one.
  ALTER TABLE tandem_documents ADD COLUMN changed_at BIGINT;
  -- Webhook deliveries waiting to be sent. next_attempt_at is also the claim: a node that claims a
  -- row moves it a lease into the future, so no other node takes it meanwhile.
  CREATE TABLE tandem_webhook_outbox (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX tandem_webhook_outbox_by_due ON tandem_webhook_outbox (next_attempt_at, id);
  `,
  `
  -- Uploaded images, content-addressed per document: every node reads them from here, so images
  -- work whichever host serves the reader. A document's uploads are listed in created_at order.
  CREATE TABLE tandem_uploads (
    document_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    data BYTEA NOT NULL,
    crc32 INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, hash)
  );
  `,
  `
  -- When a node last announced the document's changes (webhook document.changed): the nodes of a
  -- cluster claim it in turn, so a document gets at most one announcement per debounce window.
  ALTER TABLE tandem_documents ADD COLUMN announced_at BIGINT;
  `,
  `
  -- Version history (issue 19): a document's full state at each version, so a version outlives
  -- compaction of the update log. editors and clients are small JSON arrays (bounded by the server).
  CREATE TABLE tandem_versions (
    document_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    created_at BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    editors TEXT NOT NULL,
    clients TEXT NOT NULL,
    data BYTEA NOT NULL,
    crc32 INTEGER NOT NULL,
    PRIMARY KEY (document_id, version_id)
  );
  CREATE INDEX tandem_versions_by_time ON tandem_versions (document_id, created_at);
  `,
  `
  -- Which node takes a document's next automatic version (issue 19): a node claims it before
  -- reading the state, so two nodes closing windows of one burst of editing record one version.
  -- editors and clients: people whose edits a version held but whose node lost the claim, until
  -- they are added to that version (or, when it is not stored yet, to the next one).
  CREATE TABLE tandem_version_claims (
    document_id TEXT PRIMARY KEY,
    claimed_at BIGINT NOT NULL,
    version_id TEXT NOT NULL,
    editors TEXT NOT NULL,
    clients TEXT NOT NULL
  );
  `,
  `
  -- Comments in version history (issue 20): the comments room's full state when the version was
  -- taken, with its own checksum; NULL in versions taken before (comments not recorded).
  ALTER TABLE tandem_versions ADD COLUMN comments BYTEA;
  ALTER TABLE tandem_versions ADD COLUMN comments_crc32 INTEGER;
  ALTER TABLE tandem_versions ADD COLUMN comments_bytes BIGINT;
  `,
]

/**
 * Brings the schema up to date in one transaction under a transaction-level advisory lock: when
 * several nodes start together exactly one applies each step and the others, waiting on the lock,
 * find the work done. DDL is transactional in Postgres, so a failing step leaves nothing behind.
 * Returns the schema version; throws StorageError when the database is newer than this code.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  migrations: readonly string[] = POSTGRES_MIGRATIONS,
): Promise<number> {
  await client.query('BEGIN')
  try {
    // The lock comes first: even CREATE TABLE IF NOT EXISTS can fail on a unique-index race.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tandem_schema'))")
    // Looked up rather than CREATE ... IF NOT EXISTS, which needs the CREATE privilege even when
    // the table exists: a user that may only read and write runs an up-to-date schema.
    const { rows: found } = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('tandem_schema') IS NOT NULL AS exists",
    )
    if (!found[0]!.exists) await client.query('CREATE TABLE tandem_schema (version INTEGER NOT NULL)')
    const { rows } = await client.query<{ version: number }>('SELECT version FROM tandem_schema')
    const current = rows[0]?.version ?? 0
    if (current > migrations.length) {
      throw new StorageError(
        'unavailable',
        `database schema version ${current} is newer than this server knows (${migrations.length}); upgrade the server`,
      )
    }
    for (let version = current; version < migrations.length; version++) {
      await client.query(migrations[version]!)
    }
    if (rows.length === 0) {
      await client.query('INSERT INTO tandem_schema (version) VALUES ($1)', [migrations.length])
    } else if (current < migrations.length) {
      await client.query('UPDATE tandem_schema SET version = $1', [migrations.length])
    }
    await client.query('COMMIT')
    return migrations.length
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  }
}
