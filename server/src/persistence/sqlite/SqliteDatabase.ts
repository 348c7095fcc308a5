/**
 * The SQLite adapter of the update-log and catalog ports: one WAL-mode file, appends committed with
 * synchronous=NORMAL and made durable by WalDurability, checksummed rows, optimistic compaction.
 */

import { commentsRoomName } from '@tandem/shared'
import type Database from 'better-sqlite3'
import type { DocumentChange, Durability, PutUploadResult, UpdateEntry, UploadQuota } from '../DocumentStore'
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
import { StorageError, toStorageError } from '../StorageError'
import type { LogRow, RowNumber, StoredRoom } from '../UpdateLog'
import type { VersionAuthorsPlan, VersionClaimRule } from '../VersionTable'
import type { OutboxEntry } from '../WebhookOutbox'
import { openSqlite } from './openSqlite'
import { prepareStatements, type SqliteStatements } from './sqliteStatements'
import { WalDurability } from './WalDurability'
import { WalSync } from './WalSync'

/** Default wait for another process's lock before a statement fails with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000

export interface SqliteDatabaseOptions {
  /** Default SQLITE_BUSY_TIMEOUT_MS. Note that the wait blocks the event loop (better-sqlite3 is synchronous). */
  readonly busyTimeoutMs?: number
  /**
   * Default `fsync`: `append` resolves once its commit is fdatasynced (survives SIGKILL, an OS crash
   * and a power loss). `process`: it resolves once the commit is with the OS (survives SIGKILL); the
   * WAL is synced every SQLITE_BACKGROUND_SYNC_MS, so a power loss can take the last second.
   */
  readonly durability?: Durability
  /** How the WAL is made durable; tests pass their own. Default: fdatasync of `<file>-wal` (WalSync). */
  readonly syncWal?: () => Promise<void>
}

export class SqliteDatabase implements StoreAdapter {
  private readonly db: Database.Database
  private readonly statements: SqliteStatements
  // IMMEDIATE takes the write lock up front: a deferred transaction that reads before writing can
  // fail with SQLITE_BUSY_SNAPSHOT when another process commits in between, and busy_timeout does
  // not retry that.
  private readonly appendTransaction: (entries: readonly UpdateEntry[]) => void
  private readonly replaceSnapshotTransaction: (
    room: string,
    snapshot: Uint8Array,
    expectedVersion: number,
    throughId: number,
  ) => void
  private readonly readTransaction: (fn: () => unknown) => unknown
  private readonly insertUploadTransaction: (row: UploadRow, quota: UploadQuota) => PutUploadResult
  /** Runs `fn` in one IMMEDIATE transaction (for multi-statement writes). */
  private readonly writeTransaction: (fn: () => unknown) => unknown
  private readonly walSync: WalSync
  private readonly durability: WalDurability
  private healthy = true

  /** Opens (creating and migrating) the database; throws StorageError when it cannot. */
  constructor(file: string, options: SqliteDatabaseOptions = {}) {
    this.walSync = new WalSync(`${file}-wal`)
    const syncWal = options.syncWal ?? (() => this.walSync.sync())
    const db = openSqlite(file, options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS)
    try {
      this.statements = prepareStatements(db)
      this.appendTransaction = db.transaction(this.insertAll.bind(this)).immediate
      this.replaceSnapshotTransaction = db.transaction(this.replaceAndDelete.bind(this)).immediate
      this.readTransaction = db.transaction((fn: () => unknown) => fn()).deferred
      // IMMEDIATE: the quota is read under the write lock, so two processes cannot both fit.
      this.insertUploadTransaction = db.transaction(this.insertUploadWithinQuota.bind(this)).immediate
      this.writeTransaction = db.transaction((fn: () => unknown) => fn()).immediate
    } catch (error) {
      db.close()
      throw toStorageError(error, `open ${file}`)
    }
    this.db = db
    this.durability = new WalDurability(options.durability ?? 'fsync', syncWal)
  }

  async readRoom(room: string): Promise<StoredRoom> {
    // One read transaction: a compaction committed by another process between reading the
    // snapshot and reading the log would otherwise hide the rows it folded in.
    return this.read('readRoom', () => ({
      snapshot: this.statements.selectSnapshot.get(room) ?? null,
      log: this.statements.selectUpdates.all(room),
    }))
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<void> {
    await this.write('append', () => this.appendTransaction(entries))
  }

  async replaceSnapshot(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: RowNumber | null,
    folded: readonly LogRow[],
  ): Promise<void> {
    // Not write(): compaction needs no sync (lost, it leaves the rows it would have folded), and
    // rows appended meanwhile have larger ids (AUTOINCREMENT), so "through the last folded id" is
    // exactly the folded rows.
    const throughId = Number(folded.at(-1)!.id)
    this.commit('compact', () =>
      this.replaceSnapshotTransaction(room, snapshot, Number(expectedVersion ?? 0), throughId),
    )
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    return this.read('logSize', () => this.statements.selectLogSize.get(room)!)
  }

  async insertDocument(row: DocumentRow): Promise<void> {
    await this.write('createDocument', () => this.statements.insertDocument.run(row))
  }

  async selectDocument(id: string): Promise<DocumentRow | null> {
    return this.read('getDocument', () => this.statements.selectDocument.get(id) ?? null)
  }

  async insertShareKey(row: ShareKeyRow): Promise<void> {
    await this.write('addShareKey', () => this.statements.insertShareKey.run(row))
  }

  async selectShareKey(documentId: string, keyHash: string): Promise<ShareKeyRow | null> {
    return this.read('findShareKey', () => this.statements.selectShareKey.get(documentId, keyHash) ?? null)
  }

  async selectShareKeyById(documentId: string, keyId: string): Promise<ShareKeyRow | null> {
    return this.read('getShareKey', () => this.statements.selectShareKeyById.get(documentId, keyId) ?? null)
  }

  async selectShareKeysOfDocument(documentId: string): Promise<readonly ShareKeyRow[]> {
    return this.read('listShareKeys', () => this.statements.selectShareKeysOfDocument.all(documentId))
  }

  async revokeShareKey(documentId: string, keyId: string, now: number): Promise<boolean> {
    // Synced like updates: a revocation that a power loss could undo would let the link work again.
    const { changes } = await this.write('revokeShareKey', () =>
      this.statements.revokeShareKey.run({ documentId, keyId, now }),
    )
    return changes > 0
  }

  async insertUpload(row: UploadRow, quota: UploadQuota): Promise<PutUploadResult> {
    return this.write('putUpload', () => this.insertUploadTransaction(row, quota))
  }

  async selectUpload(documentId: string, hash: string): Promise<UploadRow | null> {
    return this.read('getUpload', () => this.statements.selectUpload.get(documentId, hash) ?? null)
  }

  async selectUploadsOfDocument(documentId: string): Promise<readonly UploadInfoRow[]> {
    return this.read('listUploads', () => this.statements.selectUploadsOfDocument.all(documentId))
  }

  async selectDocumentPage(after: string, limit: number): Promise<readonly DocumentSummaryRow[]> {
    return this.read('listDocuments', () => this.statements.selectDocumentPage.all({ after, limit }))
  }

  async deleteDocument(id: string, now: number): Promise<boolean> {
    // Synced like a revocation: a deletion a power loss could undo would bring the links back.
    return this.write('deleteDocument', () =>
      this.writeTransaction(() => {
        const { changes } = this.statements.markDocumentDeleted.run({ id, now })
        if (changes === 0) return false
        this.statements.revokeKeysOfDocument.run({ id, now })
        // The document's comments room (`<id>/comments`) is part of it: its log, snapshot and any
        // versions it got before comments rooms were left out of history go too.
        for (const room of [id, commentsRoomName(id)]) {
          this.statements.deleteUpdatesOfRoom.run(room)
          this.statements.deleteSnapshotOfRoom.run(room)
          this.statements.deleteVersionsOfDocument.run(room)
          this.statements.deleteVersionClaim.run(room)
        }
        this.statements.deleteUploadsOfDocument.run(id)
        return true
      }),
    ) as Promise<boolean>
  }

  async insertVersion(row: VersionRow): Promise<boolean> {
    // Synced: a named version someone was told exists must survive a power loss.
    const { changes } = await this.write('addVersion', () => this.statements.insertVersion.run(row))
    return changes > 0
  }

  async selectVersionsOfDocument(documentId: string): Promise<readonly VersionInfoRow[]> {
    return this.read('listVersions', () => this.statements.selectVersionsOfDocument.all(documentId))
  }

  async selectVersion(documentId: string, versionId: string): Promise<VersionRow | null> {
    return this.read('getVersion', () => this.statements.selectVersion.get(documentId, versionId) ?? null)
  }

  async updateVersionName(documentId: string, versionId: string, name: string): Promise<boolean> {
    const { changes } = await this.write('nameVersion', () =>
      this.statements.updateVersionName.run({ documentId, versionId, name }),
    )
    return changes > 0
  }

  async deleteAutoVersions(documentId: string, versionIds: readonly string[]): Promise<void> {
    // Not write(): a pruning lost to a power loss only leaves versions the next one prunes.
    this.commit('pruneVersions', () =>
      this.writeTransaction(() => {
        for (const id of versionIds) this.statements.deleteAutoVersion.run(documentId, id)
      }),
    )
  }

  async claimVersion(
    documentId: string,
    versionId: string,
    grant: VersionClaimRule,
  ): Promise<{ readonly granted: boolean; readonly previous: VersionClaimRow | null; readonly now: number }> {
    // Not write(): a claim lost to a power loss allows one more version, never loses one.
    return this.commit('claimVersion', () =>
      this.writeTransaction(() => {
        const previous = this.statements.selectVersionClaim.get(documentId) ?? null
        // The host's clock: every process sharing this file runs on the host that holds it.
        const now = Date.now()
        if (!grant(previous, now)) return { granted: false, previous, now }
        this.statements.upsertVersionClaim.run({ documentId, versionId, now })
        return { granted: true, previous, now }
      }),
    ) as { granted: boolean; previous: VersionClaimRow | null; now: number }
  }

  async updateClaimedVersionAuthors(documentId: string, plan: VersionAuthorsPlan): Promise<void> {
    // Not write(): names lost to a power loss cost a version's list, never an edit.
    this.commit('addVersionAuthors', () =>
      this.writeTransaction(() => {
        const claim = this.statements.selectVersionClaim.get(documentId)
        if (claim === undefined) return
        const versionId = claim.version_id
        const version = this.statements.selectVersionAuthors.get(documentId, versionId) ?? null
        const next = plan(claim, version)
        if (version && next.version) {
          this.statements.updateVersionAuthors.run({ documentId, versionId, ...next.version })
        }
        if (next.waiting) this.statements.updateClaimAuthors.run({ documentId, ...next.waiting })
      }),
    )
  }

  async updateChangedAt(changes: readonly DocumentChange[]): Promise<void> {
    // Not write(): an edit time lost to a power loss is only a stale "last changed".
    this.commit('markDocumentsChanged', () =>
      this.writeTransaction(() => {
        for (const { id, at } of changes) this.statements.updateChangedAt.run({ id, at })
      }),
    )
  }

  async claimAnnouncement(id: string, now: number, spacingMs: number): Promise<number | null> {
    // Not write(): a claim lost to a power loss only allows one more announcement.
    return this.commit(
      'claimChangeAnnouncement',
      () =>
        this.writeTransaction(() => {
          if (this.statements.claimAnnouncement.run({ id, now, spacing: spacingMs }).changes > 0) return null
          const row = this.statements.selectAnnouncedAt.get(id) as { announced_at: number | null } | undefined
          return row?.announced_at == null ? null : row.announced_at + spacingMs
        }) as number | null,
    )
  }

  async insertDeliveries(entries: readonly OutboxEntry[], now: number, maxRows: number): Promise<number> {
    return this.write('enqueueDeliveries', () =>
      this.writeTransaction(() => {
        let added = 0
        for (const { url, body } of entries) {
          added += this.statements.insertDelivery.run({ url, body, now, maxRows }).changes
        }
        return added
      }),
    ) as Promise<number>
  }

  // Claims and removals are not synced: one lost to a power loss only makes a delivery go out again
  // (deliveries are at least once; receivers deduplicate by the event id).
  async claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<readonly OutboxRow[]> {
    return this.commit('claimDeliveries', () =>
      this.statements.claimDeliveries.all({ now, limit, leaseUntil }),
    )
  }

  async deleteDelivery(id: string): Promise<void> {
    this.commit('removeDelivery', () => this.statements.deleteDelivery.run(id))
  }

  async rescheduleDelivery(id: string, dueAt: number): Promise<void> {
    this.commit('rescheduleDelivery', () => this.statements.rescheduleDelivery.run({ id, dueAt }))
  }

  async countDeliveries(): Promise<number> {
    return this.read('countDeliveries', () => this.statements.countDeliveries.get()!.count)
  }

  isHealthy(): boolean {
    return this.healthy && this.durability.isSound()
  }

  /** Waits for compactions and syncs, checkpoints the WAL into the main file and closes. */
  async close(compacted: Promise<void>): Promise<void> {
    this.durability.stop()
    await compacted
    await this.durability.settle()
    this.walSync.close()
    try {
      // PASSIVE never waits: with other processes still on the file a blocking mode could hold
      // shutdown for the whole busy timeout. The last connection to close checkpoints fully and
      // deletes the WAL by itself, leaving tandem.db complete on its own.
      this.db.pragma('wal_checkpoint(PASSIVE)')
    } finally {
      this.db.close()
    }
  }

  private insertAll(entries: readonly UpdateEntry[]): void {
    for (const { room, update } of entries)
      this.statements.insertUpdate.run(room, update, writeChecksum(update))
  }

  private insertUploadWithinQuota(row: UploadRow, quota: UploadQuota): PutUploadResult {
    if (this.statements.uploadExists.get(row.document_id, row.hash)) return 'exists'
    const usage = this.statements.selectUploadUsage.get(row.document_id)!
    if (usage.count + 1 > quota.maxCount || usage.bytes + Number(row.bytes) > quota.maxBytes) {
      return 'over-quota'
    }
    this.statements.insertUpload.run(row)
    return 'stored'
  }

  /** Changes nothing when another process replaced the snapshot since it was read. */
  private replaceAndDelete(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: number,
    throughId: number,
  ): void {
    const { changes } = this.statements.replaceSnapshot.run({
      room,
      data: snapshot,
      crc32: writeChecksum(snapshot),
      expectedVersion,
      throughId,
      now: Date.now(),
    })
    if (changes > 0) this.statements.deleteUpdatesThrough.run(room, throughId)
  }

  /** Runs a read in one transaction, so multi-statement reads see one consistent state. */
  private read<T>(operation: string, fn: () => T): T {
    try {
      return this.readTransaction(fn) as T
    } catch (error) {
      throw toStorageError(error, operation)
    }
  }

  /** Commits a write, then makes it as durable as DURABILITY promises. */
  private async write<T>(operation: string, fn: () => T): Promise<T> {
    this.durability.assertSynced(operation)
    const result = this.commit(operation, fn)
    await this.durability.durable(operation)
    return result
  }

  /** A failure other than a key conflict marks the store unhealthy until a write succeeds. */
  private commit<T>(operation: string, fn: () => T): T {
    try {
      const result = fn()
      this.healthy = true
      return result
    } catch (error) {
      const wrapped = toStorageError(error, operation)
      if (!(wrapped instanceof StorageError && wrapped.kind === 'conflict')) this.healthy = false
      throw wrapped
    }
  }
}
