/**
 * The in-memory adapter of the update-log and catalog ports: maps of the same rows the SQL adapters
 * store, checksums included, so compaction, checks and row mapping are RowStore's, as for SQLite and
 * PostgreSQL. Nothing survives the process.
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
  type VersionClaimRow,
  type VersionInfoRow,
  type VersionRow,
  writeChecksum,
} from '../rowCodec'
import { StorageError } from '../StorageError'
import type { LogRow, RowNumber, SnapshotRow, StoredRoom } from '../UpdateLog'
import type { VersionAuthorsPlan, VersionClaimRule } from '../VersionTable'
import type { OutboxEntry } from '../WebhookOutbox'

interface RoomRows {
  snapshot: SnapshotRow | null
  log: LogRow[]
}

/** A `webhook_outbox` row: due_at is when it may be claimed (again). */
interface OutboxRecord {
  readonly id: number
  readonly url: string
  readonly body: string
  attempts: number
  readonly createdAt: number
  dueAt: number
}

function compareShareKeys(a: ShareKeyRow, b: ShareKeyRow): number {
  return (
    Number(a.created_at) - Number(b.created_at) || (a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0)
  )
}

function compareUploads(a: UploadInfoRow, b: UploadInfoRow): number {
  return Number(a.created_at) - Number(b.created_at) || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)
}

export class MemoryDatabase implements StoreAdapter {
  private readonly rooms = new Map<string, RoomRows>()
  private readonly documents = new Map<string, DocumentRow>()
  /** By key id. */
  private readonly shareKeys = new Map<string, ShareKeyRow>()
  private readonly changedAt = new Map<string, number>()
  /** When a node last announced each document's changes (claimAnnouncement). */
  private readonly announcedAt = new Map<string, number>()
  /** `uploads` rows: per document, by hash, in insertion order. */
  private readonly uploads = new Map<string, Map<string, UploadRow>>()
  /** `versions` rows: per document, by version id. */
  private readonly versions = new Map<string, Map<string, VersionRow>>()
  /** `version_claims` rows, by document. */
  private readonly versionClaims = new Map<string, VersionClaimRow>()
  /** By id, in insertion order; ids count up like an AUTOINCREMENT column. */
  private readonly outbox = new Map<number, OutboxRecord>()
  /** Row ids grow across rooms, as an autoincrement column does. */
  private nextRowId = 1
  private nextDeliveryId = 1

  async readRoom(room: string): Promise<StoredRoom> {
    const rows = this.rooms.get(room)
    // A copy of the list: rows appended or folded later must not change what this read returned.
    return { snapshot: rows?.snapshot ?? null, log: rows ? [...rows.log] : [] }
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<void> {
    for (const { room, update } of entries) {
      let rows = this.rooms.get(room)
      if (!rows) {
        rows = { snapshot: null, log: [] }
        this.rooms.set(room, rows)
      }
      // A copy, as a database would store: the caller may reuse or mutate its buffer afterwards.
      const data = update.slice()
      rows.log.push({ id: this.nextRowId++, data, crc32: writeChecksum(data) })
    }
  }

  async replaceSnapshot(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: RowNumber | null,
    folded: readonly LogRow[],
  ): Promise<void> {
    const rows = this.rooms.get(room)
    if (!rows || (rows.snapshot?.version ?? null) !== expectedVersion) return
    const data = snapshot.slice()
    rows.snapshot = { version: Number(expectedVersion ?? 0) + 1, data, crc32: writeChecksum(data) }
    const foldedIds = new Set(folded.map((row) => row.id))
    rows.log = rows.log.filter((row) => !foldedIds.has(row.id))
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    const log = this.rooms.get(room)?.log ?? []
    return { rows: log.length, bytes: log.reduce((sum, row) => sum + (row.data as Uint8Array).byteLength, 0) }
  }

  async insertDocument(row: DocumentRow): Promise<void> {
    if (this.documents.has(row.id)) throw new StorageError('conflict', `document ${row.id} exists`)
    this.documents.set(row.id, { ...row })
  }

  async selectDocument(id: string): Promise<DocumentRow | null> {
    return this.documents.get(id) ?? null
  }

  async insertShareKey(row: ShareKeyRow): Promise<void> {
    if (this.shareKeys.has(row.key_id)) throw new StorageError('conflict', `share key ${row.key_id} exists`)
    if (this.findShareKey(row.document_id, row.key_hash)) {
      throw new StorageError('conflict', `document ${row.document_id} already has a key with this hash`)
    }
    this.shareKeys.set(row.key_id, { ...row })
  }

  async selectShareKey(documentId: string, keyHash: string): Promise<ShareKeyRow | null> {
    return this.findShareKey(documentId, keyHash)
  }

  async selectShareKeyById(documentId: string, keyId: string): Promise<ShareKeyRow | null> {
    const row = this.shareKeys.get(keyId)
    return row && row.document_id === documentId ? row : null
  }

  async selectShareKeysOfDocument(documentId: string): Promise<readonly ShareKeyRow[]> {
    return [...this.shareKeys.values()].filter((row) => row.document_id === documentId).sort(compareShareKeys)
  }

  async revokeShareKey(documentId: string, keyId: string, now: number): Promise<boolean> {
    const row = this.shareKeys.get(keyId)
    if (!row || row.document_id !== documentId) return false
    if (row.revoked_at === null) this.shareKeys.set(keyId, { ...row, revoked_at: now })
    return true
  }

  async insertUpload(row: UploadRow, quota: UploadQuota): Promise<PutUploadResult> {
    let rows = this.uploads.get(row.document_id)
    if (rows?.has(row.hash)) return 'exists'
    const stored = [...(rows?.values() ?? [])]
    const bytes = stored.reduce((sum, existing) => sum + Number(existing.bytes), 0)
    if (stored.length + 1 > quota.maxCount || bytes + Number(row.bytes) > quota.maxBytes) return 'over-quota'
    if (!rows) {
      rows = new Map()
      this.uploads.set(row.document_id, rows)
    }
    // A copy, as a database would store: the caller may reuse or mutate its buffer afterwards.
    rows.set(row.hash, { ...row, data: (row.data as Uint8Array).slice() })
    return 'stored'
  }

  async selectUpload(documentId: string, hash: string): Promise<UploadRow | null> {
    return this.uploads.get(documentId)?.get(hash) ?? null
  }

  async selectUploadsOfDocument(documentId: string): Promise<readonly UploadInfoRow[]> {
    return [...(this.uploads.get(documentId)?.values() ?? [])]
      .map(({ document_id, hash, type, bytes, created_at }) => ({
        document_id,
        hash,
        type,
        bytes,
        created_at,
      }))
      .sort(compareUploads)
  }

  async selectDocumentPage(after: string, limit: number): Promise<readonly DocumentSummaryRow[]> {
    return [...this.documents.values()]
      .filter((row) => row.deleted_at === null && row.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((row) => {
        const rooms = this.rooms.get(row.id)
        const logBytes =
          rooms?.log.reduce((sum, entry) => sum + (entry.data as Uint8Array).byteLength, 0) ?? 0
        const snapshotBytes = (rooms?.snapshot?.data as Uint8Array | undefined)?.byteLength ?? 0
        return {
          ...row,
          changed_at: this.changedAt.get(row.id) ?? null,
          size_bytes: snapshotBytes + logBytes,
        }
      })
  }

  async deleteDocument(id: string, now: number): Promise<boolean> {
    const row = this.documents.get(id)
    if (!row || row.deleted_at !== null) return false
    this.documents.set(id, { ...row, title: '', deleted_at: now })
    for (const key of this.shareKeys.values()) {
      if (key.document_id === id && key.revoked_at === null) {
        this.shareKeys.set(key.key_id, { ...key, revoked_at: now })
      }
    }
    // The document's comments room (`<id>/comments`) is part of it, versions included.
    for (const room of [id, commentsRoomName(id)]) {
      this.rooms.delete(room)
      this.versions.delete(room)
      this.versionClaims.delete(room)
    }
    this.uploads.delete(id)
    return true
  }

  async updateChangedAt(changes: readonly DocumentChange[]): Promise<void> {
    for (const { id, at } of changes) {
      if (this.documents.has(id)) this.changedAt.set(id, Math.max(this.changedAt.get(id) ?? 0, at))
    }
  }

  async claimAnnouncement(id: string, now: number, spacingMs: number): Promise<number | null> {
    if (!this.documents.has(id)) return null
    const last = this.announcedAt.get(id)
    if (last !== undefined && last > now - spacingMs) return last + spacingMs
    this.announcedAt.set(id, now)
    return null
  }

  async insertVersion(row: VersionRow): Promise<boolean> {
    if ((this.documents.get(row.document_id)?.deleted_at ?? null) !== null) return false
    let rows = this.versions.get(row.document_id)
    if (rows?.has(row.version_id)) {
      throw new StorageError('conflict', `version ${row.document_id}/${row.version_id} exists`)
    }
    if (!rows) {
      rows = new Map()
      this.versions.set(row.document_id, rows)
    }
    // A copy, as a database would store: the caller may reuse or mutate its buffer afterwards.
    rows.set(row.version_id, {
      ...row,
      data: (row.data as Uint8Array).slice(),
      comments: (row.comments as Uint8Array | null)?.slice() ?? null,
    })
    return true
  }

  async selectVersionsOfDocument(documentId: string): Promise<readonly VersionInfoRow[]> {
    return [...(this.versions.get(documentId)?.values() ?? [])]
      .map(
        ({ data: _data, crc32: _crc32, comments: _comments, comments_crc32: _commentsCrc32, ...info }) =>
          info,
      )
      .sort(
        (a, b) =>
          Number(b.created_at) - Number(a.created_at) ||
          (a.version_id < b.version_id ? 1 : a.version_id > b.version_id ? -1 : 0),
      )
  }

  async selectVersion(documentId: string, versionId: string): Promise<VersionRow | null> {
    return this.versions.get(documentId)?.get(versionId) ?? null
  }

  async updateVersionName(documentId: string, versionId: string, name: string): Promise<boolean> {
    const rows = this.versions.get(documentId)
    const row = rows?.get(versionId)
    if (!rows || !row) return false
    rows.set(versionId, { ...row, name, kind: 'named' })
    return true
  }

  async deleteAutoVersions(documentId: string, versionIds: readonly string[]): Promise<void> {
    const rows = this.versions.get(documentId)
    for (const id of versionIds) if (rows?.get(id)?.kind === 'auto') rows.delete(id)
  }

  async claimVersion(
    documentId: string,
    versionId: string,
    grant: VersionClaimRule,
  ): Promise<{ readonly granted: boolean; readonly previous: VersionClaimRow | null; readonly now: number }> {
    const previous = this.versionClaims.get(documentId) ?? null
    const now = Date.now()
    if (!grant(previous, now)) return { granted: false, previous, now }
    if ((this.documents.get(documentId)?.deleted_at ?? null) === null) {
      this.versionClaims.set(documentId, {
        claimed_at: now,
        version_id: versionId,
        editors: '[]',
        clients: '[]',
      })
    }
    return { granted: true, previous, now }
  }

  async updateClaimedVersionAuthors(documentId: string, plan: VersionAuthorsPlan): Promise<void> {
    const claim = this.versionClaims.get(documentId)
    if (claim === undefined) return
    const rows = this.versions.get(documentId)
    const version = rows?.get(claim.version_id) ?? null
    const next = plan(claim, version)
    if (rows && version && next.version) rows.set(claim.version_id, { ...version, ...next.version })
    if (next.waiting) this.versionClaims.set(documentId, { ...claim, ...next.waiting })
  }

  async insertDeliveries(entries: readonly OutboxEntry[], now: number, maxRows: number): Promise<number> {
    let added = 0
    for (const { url, body } of entries) {
      if (this.outbox.size >= maxRows) break
      const id = this.nextDeliveryId++
      this.outbox.set(id, { id, url, body, attempts: 0, createdAt: now, dueAt: now })
      added++
    }
    return added
  }

  async claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<readonly OutboxRow[]> {
    return [...this.outbox.values()]
      .filter((row) => row.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)
      .slice(0, limit)
      .map((row) => {
        row.attempts++
        row.dueAt = leaseUntil
        return { id: row.id, url: row.url, body: row.body, attempts: row.attempts, created_at: row.createdAt }
      })
  }

  async deleteDelivery(id: string): Promise<void> {
    this.outbox.delete(Number(id))
  }

  async rescheduleDelivery(id: string, dueAt: number): Promise<void> {
    const row = this.outbox.get(Number(id))
    if (row) row.dueAt = dueAt
  }

  async countDeliveries(): Promise<number> {
    return this.outbox.size
  }

  /** Memory never fails a write. */
  isHealthy(): boolean {
    return true
  }

  async close(compacted: Promise<void>): Promise<void> {
    await compacted
  }

  private findShareKey(documentId: string, keyHash: string): ShareKeyRow | null {
    for (const row of this.shareKeys.values()) {
      if (row.document_id === documentId && row.key_hash === keyHash) return row
    }
    return null
  }
}
