/** Forward-only schema migrations of the SQLite store; `PRAGMA user_version` counts the steps applied. */
import type { Database } from 'better-sqlite3'
import { StorageError } from '../StorageError'

/**
 * Step `i` moves the schema from version `i` to `i + 1`. Append new steps; never edit or reorder a
 * step that has shipped, since databases in the field have already run it.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- AUTOINCREMENT (not plain rowid) so an id is never reused after compaction deletes the newest
  -- rows: compaction deletes "id <= max id it merged", which must never cover a later append.
  CREATE TABLE updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    data BLOB NOT NULL,
    crc32 INTEGER NOT NULL
  );
  CREATE INDEX updates_by_room ON updates (room, id);

  -- version is bumped by every compaction; a compaction only commits if the version it read is
  -- still current (optimistic concurrency between processes sharing the file).
  CREATE TABLE snapshots (
    room TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    crc32 INTEGER NOT NULL,
    version INTEGER NOT NULL,
    through_id INTEGER NOT NULL,
    compacted_at INTEGER NOT NULL
  );

  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );

  CREATE TABLE share_keys (
    key_id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE UNIQUE INDEX share_keys_by_hash ON share_keys (document_id, key_hash);
  `,
  `
  -- Who made a share key, for the share dialog's list; NULL for keys made before this step.
  -- Listing a document's keys walks share_keys_by_hash, whose first column is document_id.
  ALTER TABLE share_keys ADD COLUMN created_by TEXT;
  `,
  `
  -- Last recorded edit of a document (GET /api/documents); NULL until the first one.
  ALTER TABLE documents ADD COLUMN changed_at INTEGER;
  -- Webhook deliveries waiting to be sent. next_attempt_at is also the claim: a node that claims a
  -- row moves it a lease into the future, so no other node takes it meanwhile.
  CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_outbox_by_due ON webhook_outbox (next_attempt_at, id);
  `,
  `
  -- Uploaded images, content-addressed per document. In the database rather than a blob folder:
  -- the nodes that share tandem.db share them with no second volume, the backup CLI copies them
  -- with everything else, and the quota check and the insert are one transaction.
  CREATE TABLE uploads (
    document_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    data BLOB NOT NULL,
    crc32 INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX uploads_by_document ON uploads (document_id, hash);
  `,
  `
  -- When a node last announced the document's changes (webhook document.changed): the nodes of a
  -- cluster claim it in turn, so a document gets at most one announcement per debounce window.
  ALTER TABLE documents ADD COLUMN announced_at INTEGER;
  `,
  `
  -- Version history (issue 19): a document's full state at each version, so a version outlives
  -- compaction of the update log. editors and clients are small JSON arrays (bounded by the server).
  CREATE TABLE versions (
    document_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    created_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    editors TEXT NOT NULL,
    clients TEXT NOT NULL,
    data BLOB NOT NULL,
    crc32 INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX versions_by_document ON versions (document_id, version_id);
  CREATE INDEX versions_by_time ON versions (document_id, created_at);
  `,
  `
  -- Which node takes a document's next automatic version (issue 19): a node claims it before
  -- reading the state, so two nodes closing windows of one burst of editing record one version.
  -- editors and clients: people whose edits a version held but whose node lost the claim, until
  -- they are added to that version (or, when it is not stored yet, to the next one).
  CREATE TABLE version_claims (
    document_id TEXT PRIMARY KEY,
    claimed_at INTEGER NOT NULL,
    version_id TEXT NOT NULL,
    editors TEXT NOT NULL,
    clients TEXT NOT NULL
  );
  `,
  `
  -- Comments in version history (issue 20): the comments room's full state when the version was
  -- taken, with its own checksum; NULL in versions taken before (comments not recorded).
  ALTER TABLE versions ADD COLUMN comments BLOB;
  ALTER TABLE versions ADD COLUMN comments_crc32 INTEGER;
  ALTER TABLE versions ADD COLUMN comments_bytes INTEGER;
  `,
]

/**
 * Brings the schema up to date in one IMMEDIATE transaction: the version is read after the write
 * lock is taken, so when several processes start together on one file exactly one applies each
 * step and the others (waiting on busy_timeout) find the work done.
 */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > migrations.length) {
      throw new StorageError(
        'unavailable',
        `database schema version ${current} is newer than this server knows (${migrations.length}); upgrade the server`,
      )
    }
    for (let version = current; version < migrations.length; version++) db.exec(migrations[version]!)
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.pragma(`user_version = ${migrations.length}`)
    return migrations.length
  })
  return run.immediate()
}
