/**
 * The PostgreSQL adapter of the update-log and catalog ports: its queries, run through
 * PostgresPool (group-committed appends, checksummed rows, optimistic compaction).
 */
import { commentsRoomName } from '@tandem/shared'
import type { DocumentChange, PutUploadResult, UpdateEntry, UploadQuota } from '../DocumentStore'
import type { StoreAdapter } from '../RowStore'
import {
  type DocumentRow,
  type DocumentSummaryRow,
  type OutboxRow,
  type ShareKeyRow,
  type UploadInfoRow,
  type UploadRow,
  type VersionAuthorsRow,
  type VersionClaimRow,
  type VersionInfoRow,
  type VersionRow,
  writeChecksum,
} from '../rowCodec'
import type { LogRow, RowNumber, StoredRoom } from '../UpdateLog'
import type { VersionAuthorsPlan, VersionClaimRule } from '../VersionTable'
import type { OutboxEntry } from '../WebhookOutbox'
import { PostgresPool, type PostgresPoolOptions } from './PostgresPool'
import * as sql from './postgresStatements'

export class PostgresDatabase implements StoreAdapter {
  readonly pg: PostgresPool

  /** Creates the pool; nothing connects synchronously (see PostgresPool). */
  constructor(url: string, options: PostgresPoolOptions = {}) {
    this.pg = new PostgresPool(url, options)
  }

  async readRoom(room: string): Promise<StoredRoom> {
    const { rows } = await this.pg.run('readRoom', () =>
      this.pg.pool.query<sql.StoredRow>(sql.SELECT_ROOM, [room]),
    )
    // The snapshot (id null) comes first, then the log in id order.
    const first = rows[0]
    const snapshot =
      first && first.id === null ? { data: first.data, crc32: first.crc32, version: first.version! } : null
    const log = rows.flatMap((row) =>
      row.id === null ? [] : [{ id: row.id, data: row.data, crc32: row.crc32 }],
    )
    return { snapshot, log }
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<void> {
    // Copied now: the caller may reuse its buffers while the batch waits for a connection.
    const rows = entries.map(
      ({ room, update }) => [room, Buffer.from(update), writeChecksum(update) | 0] as const,
    )
    await this.pg.write('append', async () => {
      if (rows.length <= sql.MAX_ROWS_PER_INSERT) {
        // One statement is one implicit transaction: one round trip commits the whole batch.
        await this.pg.pool.query(sql.insertUpdates(rows.length), rows.flat())
        return
      }
      await this.pg.transaction(async (client) => {
        for (let start = 0; start < rows.length; start += sql.MAX_ROWS_PER_INSERT) {
          const chunk = rows.slice(start, start + sql.MAX_ROWS_PER_INSERT)
          await client.query(sql.insertUpdates(chunk.length), chunk.flat())
        }
      })
    })
  }

  async replaceSnapshot(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: RowNumber | null,
    folded: readonly LogRow[],
  ): Promise<void> {
    // Deletes the folded ids themselves: sequence values commit out of order, so a row with a
    // smaller id than the last folded one may have committed after the compaction read the log.
    await this.pg.write('compact', () =>
      this.pg.pool.query(sql.REPLACE_SNAPSHOT, [
        room,
        Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength),
        writeChecksum(snapshot) | 0,
        String(expectedVersion ?? 0),
        Date.now(),
        folded.map((row) => row.id),
      ]),
    )
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    const { rows } = await this.pg.run('logSize', () =>
      this.pg.pool.query<{ rows: number; bytes: string }>(sql.SELECT_LOG_SIZE, [room]),
    )
    return { rows: rows[0]!.rows, bytes: Number(rows[0]!.bytes) }
  }

  async insertDocument(row: DocumentRow): Promise<void> {
    await this.pg.write('createDocument', () =>
      this.pg.pool.query(sql.INSERT_DOCUMENT, [row.id, row.title, row.created_at, row.deleted_at]),
    )
  }

  async selectDocument(id: string): Promise<DocumentRow | null> {
    return this.pg.selectOne('getDocument', sql.SELECT_DOCUMENT, [id])
  }

  async insertShareKey(row: ShareKeyRow): Promise<void> {
    await this.pg.write('addShareKey', () =>
      this.pg.pool.query(sql.INSERT_SHARE_KEY, [
        row.key_id,
        row.document_id,
        row.role,
        row.key_hash,
        row.created_at,
        row.revoked_at,
        row.created_by,
      ]),
    )
  }

  async selectShareKey(documentId: string, keyHash: string): Promise<ShareKeyRow | null> {
    return this.pg.selectOne('findShareKey', sql.SELECT_SHARE_KEY, [documentId, keyHash])
  }

  async selectShareKeyById(documentId: string, keyId: string): Promise<ShareKeyRow | null> {
    return this.pg.selectOne('getShareKey', sql.SELECT_SHARE_KEY_BY_ID, [documentId, keyId])
  }

  async selectShareKeysOfDocument(documentId: string): Promise<readonly ShareKeyRow[]> {
    const { rows } = await this.pg.run('listShareKeys', () =>
      this.pg.pool.query<ShareKeyRow>(sql.SELECT_SHARE_KEYS_OF_DOCUMENT, [documentId]),
    )
    return rows
  }

  async revokeShareKey(documentId: string, keyId: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pg.write('revokeShareKey', () =>
      this.pg.pool.query(sql.REVOKE_SHARE_KEY, [documentId, keyId, now]),
    )
    return (rowCount ?? 0) > 0
  }

  async insertUpload(row: UploadRow, quota: UploadQuota): Promise<PutUploadResult> {
    const data = row.data as Uint8Array
    return this.pg.write('putUpload', () =>
      this.pg.transaction(async (client) => {
        await client.query(sql.LOCK_DOCUMENT_UPLOADS, [row.document_id])
        const found = await client.query(sql.UPLOAD_EXISTS, [row.document_id, row.hash])
        if ((found.rowCount ?? 0) > 0) return 'exists'
        const { rows } = await client.query<{ count: number; bytes: string }>(sql.SELECT_UPLOAD_USAGE, [
          row.document_id,
        ])
        const usage = rows[0]!
        if (usage.count + 1 > quota.maxCount || Number(usage.bytes) + Number(row.bytes) > quota.maxBytes) {
          return 'over-quota'
        }
        await client.query(sql.INSERT_UPLOAD, [
          row.document_id,
          row.hash,
          row.type,
          row.bytes,
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
          row.crc32 | 0,
          row.created_at,
        ])
        return 'stored'
      }),
    )
  }

  async selectUpload(documentId: string, hash: string): Promise<UploadRow | null> {
    return this.pg.selectOne('getUpload', sql.SELECT_UPLOAD, [documentId, hash])
  }

  async selectUploadsOfDocument(documentId: string): Promise<readonly UploadInfoRow[]> {
    const { rows } = await this.pg.run('listUploads', () =>
      this.pg.pool.query<UploadInfoRow>(sql.SELECT_UPLOADS_OF_DOCUMENT, [documentId]),
    )
    return rows
  }

  async selectDocumentPage(after: string, limit: number): Promise<readonly DocumentSummaryRow[]> {
    const { rows } = await this.pg.run('listDocuments', () =>
      this.pg.pool.query<DocumentSummaryRow>(sql.SELECT_DOCUMENT_PAGE, [after, limit]),
    )
    return rows
  }

  async deleteDocument(id: string, now: number): Promise<boolean> {
    return this.pg.write('deleteDocument', () =>
      this.pg.transaction(async (client) => {
        const { rowCount } = await client.query(sql.MARK_DOCUMENT_DELETED, [id, now])
        if ((rowCount ?? 0) === 0) return false
        await client.query(sql.REVOKE_KEYS_OF_DOCUMENT, [id, now])
        // The document's comments room (`<id>/comments`) is part of it: its log, snapshot and any
        // versions it got before comments rooms were left out of history go too.
        for (const room of [id, commentsRoomName(id)]) {
          await client.query(sql.DELETE_UPDATES_OF_ROOM, [room])
          await client.query(sql.DELETE_SNAPSHOT_OF_ROOM, [room])
          await client.query(sql.DELETE_VERSIONS_OF_DOCUMENT, [room])
          await client.query(sql.DELETE_VERSION_CLAIM, [room])
        }
        await client.query(sql.DELETE_UPLOADS_OF_DOCUMENT, [id])
        return true
      }),
    )
  }

  async insertVersion(row: VersionRow): Promise<boolean> {
    const data = row.data as Uint8Array
    const comments = row.comments as Uint8Array | null
    return this.pg.write('addVersion', () =>
      this.pg.transaction(async (client) => {
        const document = await client.query<{ deleted_at: string | null }>(sql.LOCK_DOCUMENT_FOR_VERSION, [
          row.document_id,
        ])
        if ((document.rows[0]?.deleted_at ?? null) !== null) return false
        const { rowCount } = await client.query(sql.INSERT_VERSION, [
          row.document_id,
          row.version_id,
          row.kind,
          row.name,
          row.created_at,
          row.bytes,
          row.editors,
          row.clients,
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
          row.crc32 | 0,
          comments === null ? null : Buffer.from(comments.buffer, comments.byteOffset, comments.byteLength),
          row.comments_crc32 === null ? null : row.comments_crc32 | 0,
          row.comments_bytes,
        ])
        return (rowCount ?? 0) > 0
      }),
    )
  }

  async selectVersionsOfDocument(documentId: string): Promise<readonly VersionInfoRow[]> {
    const { rows } = await this.pg.run('listVersions', () =>
      this.pg.pool.query<VersionInfoRow>(sql.SELECT_VERSIONS_OF_DOCUMENT, [documentId]),
    )
    return rows
  }

  async selectVersion(documentId: string, versionId: string): Promise<VersionRow | null> {
    return this.pg.selectOne('getVersion', sql.SELECT_VERSION, [documentId, versionId])
  }

  async updateVersionName(documentId: string, versionId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.pg.write('nameVersion', () =>
      this.pg.pool.query(sql.UPDATE_VERSION_NAME, [documentId, versionId, name]),
    )
    return (rowCount ?? 0) > 0
  }

  async deleteAutoVersions(documentId: string, versionIds: readonly string[]): Promise<void> {
    await this.pg.write('pruneVersions', () =>
      this.pg.pool.query(sql.DELETE_AUTO_VERSIONS, [documentId, [...versionIds]]),
    )
  }

  async claimVersion(
    documentId: string,
    versionId: string,
    grant: VersionClaimRule,
  ): Promise<{ readonly granted: boolean; readonly previous: VersionClaimRow | null; readonly now: number }> {
    return this.pg.write('claimVersion', () =>
      this.pg.transaction(async (client) => {
        await client.query(sql.LOCK_VERSION_CLAIM, [documentId])
        // As LOCK_DOCUMENT_FOR_VERSION before a version's insert: a deletion under way is waited for.
        await client.query(sql.LOCK_DOCUMENT_FOR_VERSION, [documentId])
        const { rows } = await client.query<VersionClaimRow>(sql.SELECT_VERSION_CLAIM, [documentId])
        const previous = rows[0] ?? null
        const clock = await client.query<{ now: string }>(sql.SELECT_CLOCK_MS)
        const now = Number(clock.rows[0]!.now)
        if (!grant(previous, now)) return { granted: false, previous, now }
        await client.query(sql.UPSERT_VERSION_CLAIM, [documentId, versionId, now])
        return { granted: true, previous, now }
      }),
    )
  }

  async updateClaimedVersionAuthors(documentId: string, plan: VersionAuthorsPlan): Promise<void> {
    await this.pg.write('addVersionAuthors', () =>
      this.pg.transaction(async (client) => {
        await client.query(sql.LOCK_VERSION_CLAIM, [documentId])
        const claims = await client.query<VersionClaimRow>(sql.SELECT_VERSION_CLAIM, [documentId])
        const claim = claims.rows[0]
        if (claim === undefined) return
        const versionId = claim.version_id
        const versions = await client.query<VersionAuthorsRow>(sql.SELECT_VERSION_AUTHORS, [
          documentId,
          versionId,
        ])
        const version = versions.rows[0] ?? null
        const next = plan(claim, version)
        if (version && next.version) {
          const { editors, clients } = next.version
          await client.query(sql.UPDATE_VERSION_AUTHORS, [documentId, versionId, editors, clients])
        }
        if (next.waiting) {
          const { editors, clients } = next.waiting
          await client.query(sql.UPDATE_CLAIM_AUTHORS, [documentId, editors, clients])
        }
      }),
    )
  }

  async updateChangedAt(changes: readonly DocumentChange[]): Promise<void> {
    await this.pg.write('markDocumentsChanged', () =>
      this.pg.pool.query(sql.UPDATE_CHANGED_AT, [changes.map((c) => c.id), changes.map((c) => c.at)]),
    )
  }

  async claimAnnouncement(id: string, now: number, spacingMs: number): Promise<number | null> {
    return this.pg.write('claimChangeAnnouncement', async () => {
      const claimed = await this.pg.pool.query(sql.CLAIM_ANNOUNCEMENT, [id, now, spacingMs])
      if ((claimed.rowCount ?? 0) > 0) return null
      const held = await this.pg.pool.query<{ announced_at: string | null }>(sql.SELECT_ANNOUNCED_AT, [id])
      const announcedAt = held.rows[0]?.announced_at
      return announcedAt == null ? null : Number(announcedAt) + spacingMs
    })
  }

  async insertDeliveries(entries: readonly OutboxEntry[], now: number, maxRows: number): Promise<number> {
    return this.pg.write('enqueueDeliveries', () =>
      this.pg.transaction(async (client) => {
        let added = 0
        for (const { url, body } of entries) {
          added += (await client.query(sql.INSERT_DELIVERY, [url, body, now, maxRows])).rowCount ?? 0
        }
        return added
      }),
    )
  }

  async claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<readonly OutboxRow[]> {
    const { rows } = await this.pg.write('claimDeliveries', () =>
      this.pg.pool.query<OutboxRow>(sql.CLAIM_DELIVERIES, [now, limit, leaseUntil]),
    )
    return rows
  }

  async deleteDelivery(id: string): Promise<void> {
    await this.pg.write('removeDelivery', () => this.pg.pool.query(sql.DELETE_DELIVERY, [id]))
  }

  async rescheduleDelivery(id: string, dueAt: number): Promise<void> {
    await this.pg.write('rescheduleDelivery', () => this.pg.pool.query(sql.RESCHEDULE_DELIVERY, [id, dueAt]))
  }

  async countDeliveries(): Promise<number> {
    const row = await this.pg.selectOne<{ count: number }>('countDeliveries', sql.COUNT_DELIVERIES, [])
    return row?.count ?? 0
  }

  isHealthy(): boolean {
    return this.pg.isHealthy()
  }

  close(compacted: Promise<void>): Promise<void> {
    return this.pg.close(compacted)
  }
}
