/** Every SQL statement of the PostgreSQL adapter (PostgresDatabase), with the row shapes they return. */
import type { BlobRow } from '../rowCodec'

/**
 * Rows per INSERT statement. A batch up to this size is one statement, hence one implicit
 * transaction and one round trip; larger batches are split inside an explicit transaction.
 * Three parameters per row keep this far below the protocol's 65535-parameter limit.
 */
export const MAX_ROWS_PER_INSERT = 1000

/**
 * One row of a room's stored state: the snapshot (id null, version set) or a log row. Postgres
 * returns BIGINT as a string; ids stay strings since they only travel back into SQL.
 */
export interface StoredRow extends BlobRow {
  readonly id: string | null
  readonly version: string | null
}

/** `INSERT` of `rows` log rows; parameters are room, data, crc32 per row, in order. */
export function insertUpdates(rows: number): string {
  const values = Array.from(
    { length: rows },
    (_, row) => `($${3 * row + 1}, $${3 * row + 2}, $${3 * row + 3})`,
  )
  return `INSERT INTO tandem_updates (room, data, crc32) VALUES ${values.join(', ')}`
}

/**
 * A room's snapshot (first) and log in id order, from ONE statement: in Postgres a statement sees
 * one consistent state, so a compaction committing meanwhile cannot hide the rows it folded in.
 */
export const SELECT_ROOM = `
  SELECT id, data, crc32, version FROM (
    SELECT NULL::bigint AS id, data, crc32, version FROM tandem_snapshots WHERE room = $1
    UNION ALL
    SELECT id, data, crc32, NULL::bigint FROM tandem_updates WHERE room = $1
  ) AS stored
  ORDER BY id NULLS FIRST`

// octet_length of a bytea reads the stored size without decompressing or fetching the value.
export const SELECT_LOG_SIZE = `
  SELECT count(*)::integer AS rows, coalesce(sum(octet_length(data)), 0)::bigint AS bytes
  FROM tandem_updates WHERE room = $1`

/**
 * Stores the new snapshot only if its version is still $4 (the one the compaction read), and in
 * the same statement (one transaction) deletes exactly the log rows that were folded in ($6).
 * Returns one row per deleted log row: none when another node compacted first. Under READ
 * COMMITTED the upsert waits for a concurrent compaction of the room to finish and then re-checks
 * the version against the row it committed, so two compactions never both win.
 * Parameters: room, data, crc32, expected version, now, ids.
 */
export const REPLACE_SNAPSHOT = `
  WITH snapshot AS (
    INSERT INTO tandem_snapshots (room, data, crc32, version, compacted_at)
    VALUES ($1, $2, $3, $4::bigint + 1, $5)
    ON CONFLICT (room) DO UPDATE SET
      data = excluded.data, crc32 = excluded.crc32, version = excluded.version,
      compacted_at = excluded.compacted_at
    WHERE tandem_snapshots.version = $4::bigint
    RETURNING room
  )
  DELETE FROM tandem_updates
  WHERE room = $1 AND id = ANY($6::bigint[]) AND EXISTS (SELECT 1 FROM snapshot)
  RETURNING id`

export const INSERT_DOCUMENT =
  'INSERT INTO tandem_documents (id, title, created_at, deleted_at) VALUES ($1, $2, $3, $4)'

export const SELECT_DOCUMENT = 'SELECT id, title, created_at, deleted_at FROM tandem_documents WHERE id = $1'

export const INSERT_SHARE_KEY = `
  INSERT INTO tandem_share_keys (key_id, document_id, role, key_hash, created_at, revoked_at, created_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`

export const SELECT_SHARE_KEY = `
  SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
  FROM tandem_share_keys WHERE document_id = $1 AND key_hash = $2`

// key_id is the primary key: one index probe, run on every request made with an exchanged token.
export const SELECT_SHARE_KEY_BY_ID = `
  SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
  FROM tandem_share_keys WHERE key_id = $2 AND document_id = $1`

export const SELECT_SHARE_KEYS_OF_DOCUMENT = `
  SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
  FROM tandem_share_keys WHERE document_id = $1 ORDER BY created_at, key_id`

// coalesce keeps the first revocation time; the row still counts as updated, so rowCount tells
// "key exists" apart from "no such key".
export const REVOKE_SHARE_KEY = `
  UPDATE tandem_share_keys SET revoked_at = coalesce(revoked_at, $3)
  WHERE document_id = $1 AND key_id = $2`

export const SELECT_DOCUMENT_PAGE = `
  SELECT d.id, d.title, d.created_at, d.deleted_at, d.changed_at,
    coalesce((SELECT octet_length(s.data) FROM tandem_snapshots s WHERE s.room = d.id), 0)
      + coalesce((SELECT sum(octet_length(u.data)) FROM tandem_updates u WHERE u.room = d.id), 0)
      AS size_bytes
  FROM tandem_documents d WHERE d.deleted_at IS NULL AND d.id > $1 ORDER BY d.id LIMIT $2`

/** The first statement of a deletion; the rest run only when it returned a row. Parameters: id, now. */
export const MARK_DOCUMENT_DELETED = `
  UPDATE tandem_documents SET deleted_at = $2, title = '' WHERE id = $1 AND deleted_at IS NULL RETURNING id`
export const REVOKE_KEYS_OF_DOCUMENT =
  'UPDATE tandem_share_keys SET revoked_at = coalesce(revoked_at, $2) WHERE document_id = $1'
export const DELETE_UPDATES_OF_ROOM = 'DELETE FROM tandem_updates WHERE room = $1'
export const DELETE_SNAPSHOT_OF_ROOM = 'DELETE FROM tandem_snapshots WHERE room = $1'
export const DELETE_UPLOADS_OF_DOCUMENT = 'DELETE FROM tandem_uploads WHERE document_id = $1'

/** Parameters: ids, times (parallel arrays). */
export const UPDATE_CHANGED_AT = `
  UPDATE tandem_documents d SET changed_at = greatest(coalesce(d.changed_at, 0), c.at)
  FROM unnest($1::text[], $2::bigint[]) AS c(id, at) WHERE d.id = c.id`

/**
 * Parameters: id, now, spacing. Of nodes claiming at once, the row lock lets one update the row and
 * makes the others re-check the condition against its new value (READ COMMITTED).
 */
export const CLAIM_ANNOUNCEMENT = `
  UPDATE tandem_documents SET announced_at = $2::bigint
  WHERE id = $1 AND (announced_at IS NULL OR announced_at <= $2::bigint - $3::bigint)`

/** Parameter: id. A statement of its own, so it sees the claim that beat this node's. */
export const SELECT_ANNOUNCED_AT = 'SELECT announced_at FROM tandem_documents WHERE id = $1'

/**
 * Parameters: url, body, now, max rows. Under READ COMMITTED nodes inserting at once may each see
 * room for one more, so the bound can be passed by a few rows.
 */
export const INSERT_DELIVERY = `
  INSERT INTO tandem_webhook_outbox (url, body, attempts, next_attempt_at, created_at)
  SELECT $1, $2, 0, $3, $3 WHERE (SELECT count(*) FROM tandem_webhook_outbox) < $4`

/**
 * SKIP LOCKED: nodes claiming at once each take different rows instead of waiting for one another;
 * the row's new next_attempt_at (the lease) keeps it from being claimed again after commit.
 * Parameters: now, limit, lease end.
 */
export const CLAIM_DELIVERIES = `
  UPDATE tandem_webhook_outbox SET attempts = attempts + 1, next_attempt_at = $3
  WHERE id IN (
    SELECT id FROM tandem_webhook_outbox WHERE next_attempt_at <= $1
    ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
  )
  RETURNING id, url, body, attempts, created_at`

export const DELETE_DELIVERY = 'DELETE FROM tandem_webhook_outbox WHERE id = $1'
export const RESCHEDULE_DELIVERY = 'UPDATE tandem_webhook_outbox SET next_attempt_at = $2 WHERE id = $1'
export const COUNT_DELIVERIES = 'SELECT count(*)::integer AS count FROM tandem_webhook_outbox'

/**
 * Serializes uploads to one document across nodes for the rest of the transaction, so the quota
 * read next still holds at the insert. hashtextextended gives 64 bits: collisions only serialize.
 */
export const LOCK_DOCUMENT_UPLOADS =
  "SELECT pg_advisory_xact_lock(hashtextextended('tandem_uploads:' || $1, 0))"

export const UPLOAD_EXISTS = 'SELECT 1 FROM tandem_uploads WHERE document_id = $1 AND hash = $2'

export const SELECT_UPLOAD_USAGE = `
  SELECT count(*)::integer AS count, coalesce(sum(bytes), 0)::bigint AS bytes
  FROM tandem_uploads WHERE document_id = $1`

export const INSERT_UPLOAD = `
  INSERT INTO tandem_uploads (document_id, hash, type, bytes, data, crc32, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`

export const SELECT_UPLOAD = `
  SELECT document_id, hash, type, bytes, data, crc32, created_at
  FROM tandem_uploads WHERE document_id = $1 AND hash = $2`

export const SELECT_UPLOADS_OF_DOCUMENT = `
  SELECT document_id, hash, type, bytes, created_at
  FROM tandem_uploads WHERE document_id = $1 ORDER BY created_at, hash`

/**
 * The health probe: assigning a transaction id makes the commit write and flush a WAL record, so
 * this fails where appends would (unreachable server, read-only standby after a failover, WAL
 * disk full) yet touches no table.
 */
export const PROBE_WRITABLE = 'SELECT pg_current_xact_id()'

/**
 * Run before INSERT_VERSION in its transaction. FOR SHARE: a deletion that has marked the row but not
 * committed is waited for, and the row is read again as it committed (READ COMMITTED re-checks a
 * locked row); a deletion that starts later waits for the insert to commit, and then deletes the
 * version with the others. Without it an insert could commit beside an open deletion, after its
 * DELETE of the versions, and leave an orphan. No row (a room without a record): nothing to lock.
 */
export const LOCK_DOCUMENT_FOR_VERSION = 'SELECT deleted_at FROM tandem_documents WHERE id = $1 FOR SHARE'

/** Nothing is inserted for a deleted document: a version taken while it was deleted must not outlive it. */
export const INSERT_VERSION = `
  INSERT INTO tandem_versions (document_id, version_id, kind, name, created_at, bytes, editors, clients, data, crc32,
    comments, comments_crc32, comments_bytes)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint, $6::bigint, $7::text, $8::text, $9::bytea, $10::integer,
    $11::bytea, $12::integer, $13::bigint
  WHERE NOT EXISTS (SELECT 1 FROM tandem_documents WHERE id = $1::text AND deleted_at IS NOT NULL)`

export const SELECT_VERSIONS_OF_DOCUMENT = `
  SELECT document_id, version_id, kind, name, created_at, bytes, editors, clients, comments_bytes
  FROM tandem_versions WHERE document_id = $1 ORDER BY created_at DESC, version_id DESC`

export const SELECT_VERSION = `
  SELECT document_id, version_id, kind, name, created_at, bytes, editors, clients, data, crc32,
    comments, comments_crc32, comments_bytes
  FROM tandem_versions WHERE document_id = $1 AND version_id = $2`

export const UPDATE_VERSION_NAME = `
  UPDATE tandem_versions SET name = $3, kind = 'named' WHERE document_id = $1 AND version_id = $2`

/** Parameters: document id, version ids (array). */
/** Only automatic ones: a version named since pruning was planned stays. */
export const DELETE_AUTO_VERSIONS =
  "DELETE FROM tandem_versions WHERE document_id = $1 AND version_id = ANY($2) AND kind = 'auto'"

export const DELETE_VERSIONS_OF_DOCUMENT = 'DELETE FROM tandem_versions WHERE document_id = $1'

/**
 * Serializes the claims of one document's versions across nodes for the rest of the transaction:
 * the claim read next is still the claim when the transaction writes it.
 */
export const LOCK_VERSION_CLAIM =
  "SELECT pg_advisory_xact_lock(hashtextextended('tandem_version_claims:' || $1, 0))"

export const SELECT_VERSION_CLAIM =
  'SELECT claimed_at, version_id, editors, clients FROM tandem_version_claims WHERE document_id = $1'

/**
 * The database's clock in ms since the epoch: version claims of every node are dated by this one
 * clock, so a node whose clock is off cannot date a claim that covers (or blocks) another's versions.
 * clock_timestamp(), not now(): the time after the claim's lock was taken, not the transaction's start.
 */
export const SELECT_CLOCK_MS = 'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now'

/**
 * Parameters: document id, version id, now. Nothing for a deleted document (after
 * LOCK_DOCUMENT_FOR_VERSION, as INSERT_VERSION): a claim must not outlive its document.
 */
export const UPSERT_VERSION_CLAIM = `
  INSERT INTO tandem_version_claims (document_id, claimed_at, version_id, editors, clients)
  SELECT $1::text, $3::bigint, $2::text, '[]', '[]'
  WHERE NOT EXISTS (SELECT 1 FROM tandem_documents WHERE id = $1::text AND deleted_at IS NOT NULL)
  ON CONFLICT (document_id) DO UPDATE SET
    claimed_at = excluded.claimed_at, version_id = excluded.version_id, editors = '[]', clients = '[]'`

/** Parameters: document id, editors, clients. */
export const UPDATE_CLAIM_AUTHORS =
  'UPDATE tandem_version_claims SET editors = $2, clients = $3 WHERE document_id = $1'

/** FOR UPDATE: a rename of the version meanwhile waits, so neither change is lost. */
export const SELECT_VERSION_AUTHORS =
  'SELECT editors, clients FROM tandem_versions WHERE document_id = $1 AND version_id = $2 FOR UPDATE'

/** Parameters: document id, version id, editors, clients. */
export const UPDATE_VERSION_AUTHORS =
  'UPDATE tandem_versions SET editors = $3, clients = $4 WHERE document_id = $1 AND version_id = $2'

export const DELETE_VERSION_CLAIM = 'DELETE FROM tandem_version_claims WHERE document_id = $1'
