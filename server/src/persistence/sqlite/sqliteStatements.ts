/** Every SQL statement of the SQLite adapter (SqliteDatabase), prepared once per connection, with the row shapes they return. */
import type { Database, Statement } from 'better-sqlite3'
import type {
  BlobRow,
  DocumentRow,
  DocumentSummaryRow,
  OutboxRow,
  ShareKeyRow,
  UploadInfoRow,
  UploadRow,
  VersionAuthorsRow,
  VersionClaimRow,
  VersionInfoRow,
  VersionRow,
} from '../rowCodec'

/** A log row as SQLite returns it: ids are INTEGER (AUTOINCREMENT). */
export interface UpdateRow extends BlobRow {
  readonly id: number
}

export interface SnapshotRow extends BlobRow {
  readonly version: number
}

export interface SnapshotWrite {
  readonly room: string
  readonly data: Uint8Array
  readonly crc32: number
  readonly expectedVersion: number
  readonly throughId: number
  readonly now: number
}

export interface SqliteStatements {
  readonly insertUpdate: Statement<[room: string, data: Uint8Array, crc32: number]>
  readonly selectUpdates: Statement<[room: string], UpdateRow>
  readonly selectSnapshot: Statement<[room: string], SnapshotRow>
  readonly selectLogSize: Statement<[room: string], { rows: number; bytes: number }>
  /** Writes the snapshot only if its version is still `expectedVersion`; `changes` is 0 otherwise. */
  readonly replaceSnapshot: Statement<[SnapshotWrite]>
  readonly deleteUpdatesThrough: Statement<[room: string, throughId: number]>
  readonly insertDocument: Statement<[DocumentRow]>
  readonly selectDocument: Statement<[id: string], DocumentRow>
  readonly insertShareKey: Statement<[ShareKeyRow]>
  readonly selectShareKey: Statement<[documentId: string, keyHash: string], ShareKeyRow>
  readonly selectShareKeyById: Statement<[documentId: string, keyId: string], ShareKeyRow>
  readonly selectShareKeysOfDocument: Statement<[documentId: string], ShareKeyRow>
  readonly revokeShareKey: Statement<[{ documentId: string; keyId: string; now: number }]>
  readonly insertUpload: Statement<[UploadRow]>
  readonly selectUpload: Statement<[documentId: string, hash: string], UploadRow>
  readonly uploadExists: Statement<[documentId: string, hash: string], { found: 1 }>
  readonly selectUploadUsage: Statement<[documentId: string], { count: number; bytes: number }>
  readonly selectUploadsOfDocument: Statement<[documentId: string], UploadInfoRow>
  readonly selectDocumentPage: Statement<[{ after: string; limit: number }], DocumentSummaryRow>
  readonly markDocumentDeleted: Statement<[{ id: string; now: number }]>
  readonly revokeKeysOfDocument: Statement<[{ id: string; now: number }]>
  readonly deleteUpdatesOfRoom: Statement<[room: string]>
  readonly deleteSnapshotOfRoom: Statement<[room: string]>
  readonly deleteUploadsOfDocument: Statement<[documentId: string]>
  readonly insertVersion: Statement<[VersionRow]>
  readonly selectVersionsOfDocument: Statement<[documentId: string], VersionInfoRow>
  readonly selectVersion: Statement<[documentId: string, versionId: string], VersionRow>
  readonly updateVersionName: Statement<[{ documentId: string; versionId: string; name: string }]>
  readonly deleteAutoVersion: Statement<[documentId: string, versionId: string]>
  readonly deleteVersionsOfDocument: Statement<[documentId: string]>
  readonly selectVersionClaim: Statement<[documentId: string], VersionClaimRow>
  readonly upsertVersionClaim: Statement<[{ documentId: string; versionId: string; now: number }]>
  readonly updateClaimAuthors: Statement<[{ documentId: string; editors: string; clients: string }]>
  readonly selectVersionAuthors: Statement<[documentId: string, versionId: string], VersionAuthorsRow>
  readonly updateVersionAuthors: Statement<
    [{ documentId: string; versionId: string; editors: string; clients: string }]
  >
  readonly deleteVersionClaim: Statement<[documentId: string]>
  readonly updateChangedAt: Statement<[{ id: string; at: number }]>
  readonly claimAnnouncement: Statement<[{ id: string; now: number; spacing: number }]>
  readonly selectAnnouncedAt: Statement<[string]>
  readonly insertDelivery: Statement<[{ url: string; body: string; now: number; maxRows: number }]>
  readonly claimDeliveries: Statement<[{ now: number; limit: number; leaseUntil: number }], OutboxRow>
  readonly deleteDelivery: Statement<[id: string]>
  readonly rescheduleDelivery: Statement<[{ id: string; dueAt: number }]>
  readonly countDeliveries: Statement<[], { count: number }>
}

export function prepareStatements(db: Database): SqliteStatements {
  return {
    insertUpdate: db.prepare('INSERT INTO updates (room, data, crc32) VALUES (?, ?, ?)'),
    selectUpdates: db.prepare('SELECT id, data, crc32 FROM updates WHERE room = ? ORDER BY id'),
    selectSnapshot: db.prepare('SELECT data, crc32, version FROM snapshots WHERE room = ?'),
    // length() of a blob is read from the record header; the blob itself is not loaded.
    selectLogSize: db.prepare(
      'SELECT count(*) AS rows, coalesce(sum(length(data)), 0) AS bytes FROM updates WHERE room = ?',
    ),
    replaceSnapshot: db.prepare(`
      INSERT INTO snapshots (room, data, crc32, version, through_id, compacted_at)
      VALUES (@room, @data, @crc32, @expectedVersion + 1, @throughId, @now)
      ON CONFLICT (room) DO UPDATE SET
        data = excluded.data, crc32 = excluded.crc32, version = excluded.version,
        through_id = excluded.through_id, compacted_at = excluded.compacted_at
      WHERE snapshots.version = @expectedVersion`),
    deleteUpdatesThrough: db.prepare('DELETE FROM updates WHERE room = ? AND id <= ?'),
    insertDocument: db.prepare(
      'INSERT INTO documents (id, title, created_at, deleted_at) VALUES (@id, @title, @created_at, @deleted_at)',
    ),
    selectDocument: db.prepare('SELECT id, title, created_at, deleted_at FROM documents WHERE id = ?'),
    insertShareKey: db.prepare(`
      INSERT INTO share_keys (key_id, document_id, role, key_hash, created_at, revoked_at, created_by)
      VALUES (@key_id, @document_id, @role, @key_hash, @created_at, @revoked_at, @created_by)`),
    selectShareKey: db.prepare(`
      SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
      FROM share_keys WHERE document_id = ? AND key_hash = ?`),
    selectShareKeyById: db.prepare(`
      SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
      FROM share_keys WHERE document_id = ? AND key_id = ?`),
    selectShareKeysOfDocument: db.prepare(`
      SELECT key_id, document_id, role, key_hash, created_at, revoked_at, created_by
      FROM share_keys WHERE document_id = ? ORDER BY created_at, key_id`),
    // coalesce keeps the first revocation time; the row still counts as changed, so `changes`
    // tells "key exists" apart from "no such key".
    revokeShareKey: db.prepare(
      'UPDATE share_keys SET revoked_at = coalesce(revoked_at, @now) WHERE document_id = @documentId AND key_id = @keyId',
    ),
    insertUpload: db.prepare(`
      INSERT INTO uploads (document_id, hash, type, bytes, data, crc32, created_at)
      VALUES (@document_id, @hash, @type, @bytes, @data, @crc32, @created_at)`),
    selectUpload: db.prepare(`
      SELECT document_id, hash, type, bytes, data, crc32, created_at
      FROM uploads WHERE document_id = ? AND hash = ?`),
    uploadExists: db.prepare('SELECT 1 AS found FROM uploads WHERE document_id = ? AND hash = ?'),
    // Sums the bytes column, not length(data): the index on document_id finds the rows, no blob is read.
    selectUploadUsage: db.prepare(
      'SELECT count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM uploads WHERE document_id = ?',
    ),
    selectUploadsOfDocument: db.prepare(`
      SELECT document_id, hash, type, bytes, created_at
      FROM uploads WHERE document_id = ? ORDER BY created_at, hash`),
    // Sizes from the record headers (length() of a blob does not load it), per document on the page.
    selectDocumentPage: db.prepare(`
      SELECT d.id, d.title, d.created_at, d.deleted_at, d.changed_at,
        coalesce((SELECT length(s.data) FROM snapshots s WHERE s.room = d.id), 0)
          + coalesce((SELECT sum(length(u.data)) FROM updates u WHERE u.room = d.id), 0) AS size_bytes
      FROM documents d WHERE d.deleted_at IS NULL AND d.id > @after ORDER BY d.id LIMIT @limit`),
    markDocumentDeleted: db.prepare(
      "UPDATE documents SET deleted_at = @now, title = '' WHERE id = @id AND deleted_at IS NULL",
    ),
    revokeKeysOfDocument: db.prepare(
      'UPDATE share_keys SET revoked_at = coalesce(revoked_at, @now) WHERE document_id = @id',
    ),
    deleteUpdatesOfRoom: db.prepare('DELETE FROM updates WHERE room = ?'),
    deleteSnapshotOfRoom: db.prepare('DELETE FROM snapshots WHERE room = ?'),
    deleteUploadsOfDocument: db.prepare('DELETE FROM uploads WHERE document_id = ?'),
    // Nothing is inserted for a deleted document: a version taken while it was deleted must not outlive it.
    insertVersion: db.prepare(`
      INSERT INTO versions (document_id, version_id, kind, name, created_at, bytes, editors, clients, data, crc32,
        comments, comments_crc32, comments_bytes)
      SELECT @document_id, @version_id, @kind, @name, @created_at, @bytes, @editors, @clients, @data, @crc32,
        @comments, @comments_crc32, @comments_bytes
      WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = @document_id AND deleted_at IS NOT NULL)`),
    selectVersionsOfDocument: db.prepare(`
      SELECT document_id, version_id, kind, name, created_at, bytes, editors, clients, comments_bytes
      FROM versions WHERE document_id = ? ORDER BY created_at DESC, version_id DESC`),
    selectVersion: db.prepare(`
      SELECT document_id, version_id, kind, name, created_at, bytes, editors, clients, data, crc32,
        comments, comments_crc32, comments_bytes
      FROM versions WHERE document_id = ? AND version_id = ?`),
    updateVersionName: db.prepare(
      "UPDATE versions SET name = @name, kind = 'named' WHERE document_id = @documentId AND version_id = @versionId",
    ),
    deleteAutoVersion: db.prepare(
      "DELETE FROM versions WHERE document_id = ? AND version_id = ? AND kind = 'auto'",
    ),
    deleteVersionsOfDocument: db.prepare('DELETE FROM versions WHERE document_id = ?'),
    selectVersionClaim: db.prepare(
      'SELECT claimed_at, version_id, editors, clients FROM version_claims WHERE document_id = ?',
    ),
    upsertVersionClaim: db.prepare(`
      INSERT INTO version_claims (document_id, claimed_at, version_id, editors, clients)
      SELECT @documentId, @now, @versionId, '[]', '[]'
      WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = @documentId AND deleted_at IS NOT NULL)
      ON CONFLICT (document_id) DO UPDATE SET
        claimed_at = excluded.claimed_at, version_id = excluded.version_id, editors = '[]', clients = '[]'`),
    updateClaimAuthors: db.prepare(
      'UPDATE version_claims SET editors = @editors, clients = @clients WHERE document_id = @documentId',
    ),
    selectVersionAuthors: db.prepare(
      'SELECT editors, clients FROM versions WHERE document_id = ? AND version_id = ?',
    ),
    updateVersionAuthors: db.prepare(`
      UPDATE versions SET editors = @editors, clients = @clients
      WHERE document_id = @documentId AND version_id = @versionId`),
    deleteVersionClaim: db.prepare('DELETE FROM version_claims WHERE document_id = ?'),
    updateChangedAt: db.prepare(
      'UPDATE documents SET changed_at = max(coalesce(changed_at, 0), @at) WHERE id = @id',
    ),
    claimAnnouncement: db.prepare(`
      UPDATE documents SET announced_at = @now
      WHERE id = @id AND (announced_at IS NULL OR announced_at <= @now - @spacing)`),
    selectAnnouncedAt: db.prepare('SELECT announced_at FROM documents WHERE id = ?'),
    // The bound is checked in the same statement, under the write lock every process shares.
    insertDelivery: db.prepare(`
      INSERT INTO webhook_outbox (url, body, attempts, next_attempt_at, created_at)
      SELECT @url, @body, 0, @now, @now WHERE (SELECT count(*) FROM webhook_outbox) < @maxRows`),
    // One statement, so atomic under SQLite's single writer: processes sharing the file never
    // claim the same row within a lease.
    claimDeliveries: db.prepare(`
      UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = @leaseUntil
      WHERE id IN (
        SELECT id FROM webhook_outbox WHERE next_attempt_at <= @now
        ORDER BY next_attempt_at, id LIMIT @limit
      )
      RETURNING id, url, body, attempts, created_at`),
    deleteDelivery: db.prepare('DELETE FROM webhook_outbox WHERE id = ?'),
    rescheduleDelivery: db.prepare('UPDATE webhook_outbox SET next_attempt_at = @dueAt WHERE id = @id'),
    countDeliveries: db.prepare('SELECT count(*) AS count FROM webhook_outbox'),
  }
}
