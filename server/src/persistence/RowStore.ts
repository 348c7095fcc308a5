/**
 * DocumentStore over an adapter's two ports (UpdateLog and Catalog): the closed check, the checksum
 * and row checks, and compaction, written once. An SQL adapter is its queries plus how it runs them.
 */
import type { Catalog } from './Catalog'
import { compactUpdatesAdaptive } from './compactUpdates'
import type {
  AddVersionResult,
  DocumentChange,
  DocumentRecord,
  DocumentStore,
  DocumentSummaryRecord,
  PutUploadResult,
  ShareKeyRecord,
  StoredDocument,
  StoredUpload,
  StoredVersion,
  UpdateEntry,
  UploadQuota,
  UploadRecord,
  VersionAuthors,
  VersionClaim,
  VersionRecord,
  VersionRetention,
} from './DocumentStore'
import type { OutboxTable } from './OutboxTable'
import type { VersionClaimRow } from './rowCodec'
import {
  readCheckedBytes,
  readDocumentRecord,
  readDocumentSummary,
  readOutboxDelivery,
  readShareKeyRecord,
  readStoredUpload,
  readStoredVersion,
  readUploadRecord,
  readVersionAuthors,
  readVersionRecord,
  writeDocumentRow,
  writeShareKeyRow,
  writeUploadRow,
  writeVersionAuthors,
  writeVersionRow,
} from './rowCodec'
import { SerialQueue } from './SerialQueue'
import { StorageError } from './StorageError'
import type { UpdateLog } from './UpdateLog'
import type { VersionTable } from './VersionTable'
import { validateEntries } from './validateEntries'
import { mergeVersionAuthors, NO_AUTHORS } from './versionAuthors'
import { namedVersionsFit, planVersionAdd, storedBytes } from './versionRetention'
import type { ClaimOptions, OutboxDelivery, OutboxEntry } from './WebhookOutbox'

/**
 * Whether the claim before covers a caller whose edits all came more than `coveredWithinMs` ago (on
 * the store's clock): it was taken after them. A claim dated after the clock (it stepped back, or an
 * older release dated claims by each node's own clock) covers nothing: it could block every
 * automatic version of the document until that time.
 */
function claimCovers(previous: VersionClaimRow | null, now: number, coveredWithinMs: number | null): boolean {
  if (coveredWithinMs === null || previous === null) return false
  const claimedAt = Number(previous.claimed_at)
  return claimedAt > now - coveredWithinMs && claimedAt <= now
}

/** Folds a snapshot and its log into one update. */
export type FoldUpdates = (parts: readonly Uint8Array[]) => Promise<Uint8Array>

/** What an adapter adds to its two ports: its health and how it closes. */
export interface StoreAdapter extends UpdateLog, Catalog, OutboxTable, VersionTable {
  /** False after a failed write until one succeeds (the adapter decides what counts). */
  isHealthy(): boolean
  /**
   * Called once, when the store starts closing: stop timers, wait for `compacted` (the compactions
   * already requested, which still run), then release connections and files.
   */
  close(compacted: Promise<void>): Promise<void>
}

export class RowStore implements DocumentStore {
  // ES-private (#), not TypeScript-private: test stores extend MemoryStore with fields of their own
  // (`compactions`, `closing`), which must not overwrite these.
  /** The queue of compactions (settles when the last one requested has); close() waits for it. */
  readonly #compactions = new SerialQueue()
  #closing: Promise<void> | null = null

  /** `fold` defaults to compactUpdatesAdaptive (inline when small, on a worker when large). */
  constructor(
    protected readonly adapter: StoreAdapter,
    private readonly fold: FoldUpdates = compactUpdatesAdaptive,
  ) {}

  async load(room: string): Promise<StoredDocument> {
    this.assertOpen('load')
    const { snapshot, log } = await this.adapter.readRoom(room)
    return {
      snapshot: snapshot ? readCheckedBytes(snapshot, room, 'snapshot') : null,
      updates: log.map((row) => readCheckedBytes(row, room, `update ${row.id}`)),
    }
  }

  async append(entries: readonly UpdateEntry[]): Promise<void> {
    validateEntries(entries)
    this.assertOpen('append')
    if (entries.length === 0) return
    await this.adapter.appendUpdates(entries)
  }

  /**
   * Reads snapshot + log, folds them outside any transaction (on a worker when large), then in one
   * transaction stores the new snapshot if no other process replaced it meanwhile (version check)
   * and deletes exactly the rows folded in; rows appended meanwhile stay in the log. Compactions of
   * one store run one at a time, so unloading many large rooms at once starts one worker, not hundreds.
   */
  async compact(room: string): Promise<void> {
    this.assertOpen('compact')
    return this.#compactions.run(async () => {
      // A turn of the event loop before each: SQLite's reads and writes are synchronous, so a queue
      // of compactions chained by promises alone held every socket for all of them (rooms that
      // reach the threshold together: p99 over 500 ms at 108k deliveries/s), not one at a time.
      await new Promise<void>((resolve) => setImmediate(resolve))
      return this.compactNow(room)
    })
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    this.assertOpen('logSize')
    return this.adapter.logSize(room)
  }

  async createDocument(record: DocumentRecord): Promise<void> {
    this.assertOpen('createDocument')
    await this.adapter.insertDocument(writeDocumentRow(record))
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    this.assertOpen('getDocument')
    const row = await this.adapter.selectDocument(id)
    return row ? readDocumentRecord(row) : null
  }

  async addShareKey(record: ShareKeyRecord): Promise<void> {
    this.assertOpen('addShareKey')
    await this.adapter.insertShareKey(writeShareKeyRow(record))
  }

  async findShareKey(documentId: string, keyHash: string): Promise<ShareKeyRecord | null> {
    this.assertOpen('findShareKey')
    const row = await this.adapter.selectShareKey(documentId, keyHash)
    return row ? readShareKeyRecord(row) : null
  }

  async getShareKey(documentId: string, keyId: string): Promise<ShareKeyRecord | null> {
    this.assertOpen('getShareKey')
    const row = await this.adapter.selectShareKeyById(documentId, keyId)
    return row ? readShareKeyRecord(row) : null
  }

  async listShareKeys(documentId: string): Promise<ShareKeyRecord[]> {
    this.assertOpen('listShareKeys')
    return (await this.adapter.selectShareKeysOfDocument(documentId)).map(readShareKeyRecord)
  }

  async revokeShareKey(documentId: string, keyId: string): Promise<boolean> {
    this.assertOpen('revokeShareKey')
    return this.adapter.revokeShareKey(documentId, keyId, Date.now())
  }

  async putUpload(upload: StoredUpload, quota: UploadQuota): Promise<PutUploadResult> {
    this.assertOpen('putUpload')
    return this.adapter.insertUpload(writeUploadRow(upload), quota)
  }

  async getUpload(documentId: string, hash: string): Promise<StoredUpload | null> {
    this.assertOpen('getUpload')
    const row = await this.adapter.selectUpload(documentId, hash)
    return row ? readStoredUpload(row) : null
  }

  async listUploads(documentId: string): Promise<UploadRecord[]> {
    this.assertOpen('listUploads')
    return (await this.adapter.selectUploadsOfDocument(documentId)).map(readUploadRecord)
  }

  /**
   * Plans from the records (versionRetention.ts), then inserts and prunes: two nodes adding at once
   * may each plan with a list missing the other's version, which only leaves an extra version until
   * the next one is added.
   */
  async addVersion(version: StoredVersion, retention: VersionRetention): Promise<AddVersionResult> {
    this.assertOpen('addVersion')
    const { state: _state, ...record } = version
    const existing = await this.listVersions(version.documentId)
    const plan = planVersionAdd(existing, record, retention, Date.now())
    if (plan.refused) return 'over-quota'
    if (!(await this.adapter.insertVersion(writeVersionRow(version)))) return 'document-deleted'
    if (plan.doomed.length > 0) await this.adapter.deleteAutoVersions(version.documentId, plan.doomed)
    await this.takeWaitingAuthors(version.documentId)
    return 'stored'
  }

  async claimVersion(
    documentId: string,
    claim: { readonly versionId: string; readonly coveredWithinMs: number | null },
  ): Promise<VersionClaim> {
    this.assertOpen('claimVersion')
    const { granted, previous, now } = await this.adapter.claimVersion(
      documentId,
      claim.versionId,
      (before, clock) => !claimCovers(before, clock, claim.coveredWithinMs),
    )
    if (!granted) return { granted, claimedMsAgo: now - Number(previous!.claimed_at) }
    const waiting = previous ? readVersionAuthors(previous, `version claim of ${documentId}`) : NO_AUTHORS
    return { granted, waiting }
  }

  async addVersionAuthors(documentId: string, authors: VersionAuthors): Promise<void> {
    this.assertOpen('addVersionAuthors')
    if (authors.editors.length === 0 && authors.clients.length === 0) return
    const label = `version authors of ${documentId}`
    await this.adapter.updateClaimedVersionAuthors(documentId, (claim, version) => {
      const waiting = mergeVersionAuthors(readVersionAuthors(claim, label), authors)
      if (version === null) return { waiting: writeVersionAuthors(waiting) }
      // Stored meanwhile: the version takes whoever was waiting for it too.
      return {
        version: writeVersionAuthors(mergeVersionAuthors(readVersionAuthors(version, label), waiting)),
        waiting: writeVersionAuthors(NO_AUTHORS),
      }
    })
  }

  async listVersions(documentId: string): Promise<VersionRecord[]> {
    this.assertOpen('listVersions')
    return (await this.adapter.selectVersionsOfDocument(documentId)).map(readVersionRecord)
  }

  async getVersion(documentId: string, versionId: string): Promise<StoredVersion | null> {
    this.assertOpen('getVersion')
    const row = await this.adapter.selectVersion(documentId, versionId)
    return row ? readStoredVersion(row) : null
  }

  async nameVersion(
    documentId: string,
    versionId: string,
    name: string,
    retention: VersionRetention,
  ): Promise<VersionRecord | null | 'over-quota'> {
    this.assertOpen('nameVersion')
    const versions = await this.listVersions(documentId)
    const version = versions.find((candidate) => candidate.versionId === versionId)
    if (version === undefined) return null
    // Naming an automatic version makes it one retention keeps: it must fit with the named ones.
    if (version.kind === 'auto' && !namedVersionsFit(versions, retention, storedBytes(version)))
      return 'over-quota'
    if (!(await this.adapter.updateVersionName(documentId, versionId, name))) return null
    return { ...version, kind: 'named', name }
  }

  async listDocuments(after: string, limit: number): Promise<DocumentSummaryRecord[]> {
    this.assertOpen('listDocuments')
    return (await this.adapter.selectDocumentPage(after, limit)).map(readDocumentSummary)
  }

  async deleteDocument(id: string): Promise<boolean> {
    this.assertOpen('deleteDocument')
    return this.adapter.deleteDocument(id, Date.now())
  }

  async markDocumentsChanged(changes: readonly DocumentChange[]): Promise<void> {
    this.assertOpen('markDocumentsChanged')
    if (changes.length > 0) await this.adapter.updateChangedAt(changes)
  }

  async claimChangeAnnouncement(documentId: string, now: number, spacingMs: number): Promise<number | null> {
    this.assertOpen('claimChangeAnnouncement')
    return this.adapter.claimAnnouncement(documentId, now, spacingMs)
  }

  async enqueueDeliveries(
    entries: readonly OutboxEntry[],
    options: { readonly now: number; readonly maxRows: number },
  ): Promise<number> {
    this.assertOpen('enqueueDeliveries')
    if (entries.length === 0) return 0
    return this.adapter.insertDeliveries(entries, options.now, options.maxRows)
  }

  async claimDeliveries({ now, limit, leaseMs }: ClaimOptions): Promise<OutboxDelivery[]> {
    this.assertOpen('claimDeliveries')
    return (await this.adapter.claimDeliveries(now, limit, now + leaseMs)).map(readOutboxDelivery)
  }

  async removeDelivery(id: string): Promise<void> {
    this.assertOpen('removeDelivery')
    await this.adapter.deleteDelivery(id)
  }

  async rescheduleDelivery(id: string, dueAt: number): Promise<void> {
    this.assertOpen('rescheduleDelivery')
    await this.adapter.rescheduleDelivery(id, dueAt)
  }

  async countDeliveries(): Promise<number> {
    this.assertOpen('countDeliveries')
    return this.adapter.countDeliveries()
  }

  isHealthy(): boolean {
    return this.#closing === null && this.adapter.isHealthy()
  }

  /** Lets compactions already requested finish, then closes the adapter. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.adapter.close(this.#compactions.idle())
    return this.#closing
  }

  private async compactNow(room: string): Promise<void> {
    // Straight to the adapter, not through assertOpen: close() waits for queued compactions, so
    // they must still run while the store is closing.
    const { snapshot, log } = await this.adapter.readRoom(room)
    if (log.length === 0) return
    // Verified before folding: a corrupt row must never be folded into a snapshot and deleted.
    const parts = log.map((row) => readCheckedBytes(row, room, `update ${row.id}`))
    if (snapshot) parts.unshift(readCheckedBytes(snapshot, room, 'snapshot'))
    const compacted = await this.fold(parts)
    await this.adapter.replaceSnapshot(room, compacted, snapshot?.version ?? null, log)
  }

  /**
   * People a refused claimant added while the claimed version was still being taken wait on the
   * claim: once that version is stored, they join it (not the next one). Cheap when none wait.
   */
  private async takeWaitingAuthors(documentId: string): Promise<void> {
    const label = `version authors of ${documentId}`
    await this.adapter.updateClaimedVersionAuthors(documentId, (claim, version) => {
      const waiting = readVersionAuthors(claim, label)
      if (version === null || (waiting.editors.length === 0 && waiting.clients.length === 0)) return {}
      return {
        version: writeVersionAuthors(mergeVersionAuthors(readVersionAuthors(version, label), waiting)),
        waiting: writeVersionAuthors(NO_AUTHORS),
      }
    })
  }

  private assertOpen(operation: string): void {
    if (this.#closing) throw new StorageError('unavailable', `${operation}: store is closed`)
  }
}
