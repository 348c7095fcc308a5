/**
 * The storage port rooms, the API and the CLIs use. Its adapters: `sqlite/` and `postgres/`
 * (RowStore over each backend's UpdateLog and Catalog ports) and `memory/` (tests, benchmarks,
 * STORAGE=memory). One contract suite (`documentStoreContract.ts`) runs against every adapter.
 */
import type { ContentHash, Role, UploadImageType, VersionClient, VersionKind } from '@tandem/shared'
import type { WebhookOutbox } from './WebhookOutbox'

/**
 * What `append` promises when it resolves (DURABILITY):
 * - `fsync`: the batch is on disk: it survives a kill of the process, an OS crash and a power loss.
 * - `process`: the batch is with the OS (SQLite) or the database server (PostgreSQL): it survives a
 *   kill of the process; a power loss (or a database crash) can take about the last second.
 */
export const DURABILITIES = ['fsync', 'process'] as const
export type Durability = (typeof DURABILITIES)[number]

/** One Yjs update (V1 encoding) to append to a room's log. */
export interface UpdateEntry {
  readonly room: string
  readonly update: Uint8Array
  /**
   * Who made the update, for commit listeners (the webhooks' change tracker, version history).
   * Stores do not keep it.
   */
  readonly author?: UpdateAuthor
}

/** The identity an update was written under: the token's subject and display name (if any). */
export interface UpdateAuthor {
  readonly userId: string
  readonly name?: string
}

/** What is stored for a room: the compacted snapshot (if any) and the log appended since. */
export interface StoredDocument {
  /** Merged V1 update of everything compacted so far; null before the first compaction. */
  readonly snapshot: Uint8Array | null
  /** Updates appended after the snapshot, in append order. */
  readonly updates: readonly Uint8Array[]
}

/** Metadata of a document created through the HTTP API (rooms opened directly have none). */
export interface DocumentRecord {
  readonly id: string
  readonly title: string
  readonly createdAt: number
  readonly deletedAt: number | null
}

/** A live document as `listDocuments` gives it. */
export interface DocumentSummaryRecord {
  readonly id: string
  readonly title: string
  readonly createdAt: number
  /** Last recorded edit (see `markDocumentsChanged`); null when none was. */
  readonly changedAt: number | null
  /** Bytes stored for the room: snapshot plus update log. */
  readonly sizeBytes: number
}

/** One edit time to record for `markDocumentsChanged`. */
export interface DocumentChange {
  readonly id: string
  /** Milliseconds since the epoch. */
  readonly at: number
}

export interface ShareKeyRecord {
  readonly keyId: string
  readonly documentId: string
  readonly role: Role
  /** SHA-256 of the share key, hex. The key itself is never stored. */
  readonly keyHash: string
  readonly createdAt: number
  readonly revokedAt: number | null
  /**
   * Display name of whoever created the key (at most MAX_DISPLAY_NAME_LENGTH, already validated),
   * shown in the share dialog; null when unknown (keys from before schema 2, admin tokens without a name).
   */
  readonly createdBy: string | null
}

/** An uploaded image of a document, without its bytes. Content-addressed: (documentId, hash) is its key. */
export interface UploadRecord {
  readonly documentId: string
  /** SHA-256 of `data`, hex. */
  readonly hash: ContentHash
  /** The type its bytes were recognised as (never the one the uploader declared). */
  readonly type: UploadImageType
  readonly bytes: number
  readonly createdAt: number
}

export interface StoredUpload extends UploadRecord {
  readonly data: Uint8Array
}

/** What one document may hold in uploads; checked in the same transaction as the insert. */
export interface UploadQuota {
  readonly maxCount: number
  readonly maxBytes: number
}

/** `stored`: new; `exists`: the document already had these bytes; `over-quota`: nothing stored. */
export type PutUploadResult = 'stored' | 'exists' | 'over-quota'

/** A stored version of a document, without its state. */
export interface VersionRecord {
  readonly documentId: string
  /** Unique per document; chosen by the caller (random). */
  readonly versionId: string
  readonly kind: VersionKind
  readonly name: string | null
  /** Milliseconds since the epoch; versions list newest first by it (ties by id). */
  readonly createdAt: number
  /** `state.byteLength`. */
  readonly bytes: number
  /** Who edited since the previous version (bounded by the caller). */
  readonly editors: readonly string[]
  /** Their Yjs client ids (bounded by the caller). */
  readonly clients: readonly VersionClient[]
  /**
   * `comments.byteLength`; null when the version has no comments recorded (taken before they were,
   * or a comments room's own version). Retention counts it with `bytes`.
   */
  readonly commentsBytes: number | null
}

/** Who a version lists: its editors and the Yjs client ids they wrote with. */
export type VersionAuthors = Pick<VersionRecord, 'editors' | 'clients'>

/**
 * DocumentStore.claimVersion's answer. Granted: this caller takes the version, listing `waiting` too
 * (authors whose edits an earlier version covered after it was stored). Refused: a version claimed
 * `claimedMsAgo` ms ago (store clock), within the caller's `coveredWithinMs`, covers what the caller
 * would record.
 */
export type VersionClaim =
  | { readonly granted: true; readonly waiting: VersionAuthors }
  | { readonly granted: false; readonly claimedMsAgo: number }

export interface StoredVersion extends VersionRecord {
  /** The document's full state then: `Y.encodeStateAsUpdate` (V1). */
  readonly state: Uint8Array
  /**
   * Its comments room's (`<id>/comments`) full state at the same moment, or null when not recorded:
   * threads as they stood then, deleted comments and later-undone resolutions included.
   */
  readonly comments: Uint8Array | null
}

/**
 * What one document keeps (versionRetention.ts applies it): named versions are kept, automatic
 * ones thinned with age, and the total held under a count and a byte bound.
 */
export interface VersionRetention {
  readonly maxCount: number
  readonly maxBytes: number
}

/**
 * `stored`: added (older automatic versions may have been pruned); `over-quota`: nothing stored;
 * `document-deleted`: nothing stored, the document was deleted (maybe while the version was taken).
 */
export type AddVersionResult = 'stored' | 'over-quota' | 'document-deleted'

/**
 * Failures reject with StorageError (see StorageError.ts): `unavailable` (cannot read or write now),
 * `corrupt` (stored data damaged; it is left untouched), `conflict` (a key already exists). After
 * close() every method rejects with `unavailable`. documentStoreContract.ts states the rules.
 */
export interface DocumentStore extends WebhookOutbox {
  /**
   * Everything stored for `room`, read as one consistent state; an empty document when nothing is.
   * Rejects (`corrupt`) rather than return part of a room whose stored data fails its check.
   */
  load(room: string): Promise<StoredDocument>
  /**
   * Appends updates of possibly many rooms in one transaction: all are durable when the promise
   * resolves, none when it rejects. Malformed entries reject the batch with a TypeError.
   */
  append(entries: readonly UpdateEntry[]): Promise<void>
  /**
   * Folds the room's snapshot and log into a new snapshot; updates appended meanwhile (by any
   * process) are never lost. May do nothing when another process compacted the room first. Rejects
   * (`corrupt`) without changing anything when a stored update fails its check.
   */
  compact(room: string): Promise<void>
  /** Size of the room's log since the last snapshot, to decide when to compact. */
  logSize(room: string): Promise<{ rows: number; bytes: number }>

  createDocument(record: DocumentRecord): Promise<void>
  getDocument(id: string): Promise<DocumentRecord | null>
  addShareKey(record: ShareKeyRecord): Promise<void>
  /** The share key with this hash for this document, revoked or not; null when unknown. */
  findShareKey(documentId: string, keyHash: string): Promise<ShareKeyRecord | null>
  /**
   * The share key with this id for this document, revoked or not; null when unknown. A primary-key
   * lookup: it runs on every upgrade and API request made with an exchanged token (cached briefly).
   */
  getShareKey(documentId: string, keyId: string): Promise<ShareKeyRecord | null>
  /** Every key of the document, revoked or not, oldest first (ties by key id); empty when none. */
  listShareKeys(documentId: string): Promise<ShareKeyRecord[]>
  /** Marks a key revoked; returns false when no such key exists for the document. */
  revokeShareKey(documentId: string, keyId: string): Promise<boolean>
  /**
   * Live (not deleted) documents with an id greater than `after` ('' for the first page), ordered by
   * id, at most `limit`.
   */
  listDocuments(after: string, limit: number): Promise<DocumentSummaryRecord[]>
  /**
   * In one transaction: marks the document deleted (its title cleared), revokes every key of it and
   * deletes its snapshot, update log, uploads and versions. False when there is no live document with this id.
   */
  deleteDocument(id: string): Promise<boolean>
  /** Records edit times: a document's changedAt only moves forward; ids without a document are ignored. */
  markDocumentsChanged(changes: readonly DocumentChange[]): Promise<void>
  /**
   * Claims the right to announce the document's changes now (webhook `document.changed`): granted
   * (null) when no node announced it in the last `spacingMs`, and recorded atomically, so of nodes
   * asking at once exactly one is granted; otherwise the time from which to ask again. Documents the
   * catalog does not hold (rooms opened without `POST /api/documents`) are always granted.
   */
  claimChangeAnnouncement(documentId: string, now: number, spacingMs: number): Promise<number | null>

  /**
   * Stores an upload unless the document already has it or storing it would take the document past
   * `quota` (checked atomically with the insert, also across processes). Durable when it resolves.
   */
  putUpload(upload: StoredUpload, quota: UploadQuota): Promise<PutUploadResult>
  /** The upload with its bytes (checked against their checksum); null when the document has none with this hash. */
  getUpload(documentId: string, hash: ContentHash): Promise<StoredUpload | null>
  /** The document's uploads without their bytes, oldest first (ties by hash); empty when none. */
  listUploads(documentId: string): Promise<UploadRecord[]>

  /**
   * Stores a version, then prunes the document's automatic versions by `retention` (never the new
   * one). A named version that would take the named ones alone past the retention's count or bytes
   * gives 'over-quota' and stores nothing. Durable when it resolves.
   */
  addVersion(version: StoredVersion, retention: VersionRetention): Promise<AddVersionResult>
  /**
   * Claims the taking of the document's next version (`versionId`), dated by the store's own clock
   * (one clock for every node), before its state is read, so that nodes closing windows of one burst
   * of editing record it once. With `coveredWithinMs` (how long ago the caller's last commit was, by
   * the caller's clock: a duration, so nodes' clocks need not agree) the claim is refused when one
   * was taken since then: that version's state already held the caller's edits. A claim dated after
   * the store's clock covers nothing. Without it (named versions, restores) it is always granted.
   * Atomic across processes; works for rooms the catalog does not hold; a deleted document's claim
   * is not stored.
   */
  claimVersion(
    documentId: string,
    claim: { readonly versionId: string; readonly coveredWithinMs: number | null },
  ): Promise<VersionClaim>
  /**
   * Adds authors to the version last claimed (a refused claimant's people, whose edits it holds),
   * bounded by MAX_VERSION_EDITORS and MAX_VERSION_CLIENTS; while that version is not stored they
   * wait on the claim and join it when addVersion stores it (or, if it never is, go to the next
   * granted claim). Nothing when the document has no claim.
   */
  addVersionAuthors(documentId: string, authors: VersionAuthors): Promise<void>
  /** The document's versions without their state, newest first (ties by id descending). */
  listVersions(documentId: string): Promise<VersionRecord[]>
  /** The version with its state (checked against its checksum); null when the document has none with this id. */
  getVersion(documentId: string, versionId: string): Promise<StoredVersion | null>
  /**
   * Names (or renames) a version, which makes it `named`; null when there is no such version;
   * 'over-quota' (nothing changed) when naming an automatic one would take the named ones past `retention`.
   */
  nameVersion(
    documentId: string,
    versionId: string,
    name: string,
    retention: VersionRetention,
  ): Promise<VersionRecord | null | 'over-quota'>

  /** True while the store can take writes (used by /readyz): false after a failed write until one succeeds. */
  isHealthy(): boolean
  /** Lets compactions already requested finish, then releases the store. Idempotent. */
  close(): Promise<void>
}
