/**
 * The catalog port: documents, share keys and uploads, as rows (rowCodec.ts maps them to records). Adapters
 * hold the queries; RowStore checks that the store is open and maps rows, once for every adapter.
 */
import type { DocumentChange, PutUploadResult, UploadQuota } from './DocumentStore'
import type { DocumentRow, DocumentSummaryRow, ShareKeyRow, UploadInfoRow, UploadRow } from './rowCodec'

/** Failures reject with StorageError; a key that already exists rejects with `conflict`. */
export interface Catalog {
  insertDocument(row: DocumentRow): Promise<void>
  selectDocument(id: string): Promise<DocumentRow | null>
  insertShareKey(row: ShareKeyRow): Promise<void>
  selectShareKey(documentId: string, keyHash: string): Promise<ShareKeyRow | null>
  selectShareKeyById(documentId: string, keyId: string): Promise<ShareKeyRow | null>
  /** Oldest first, ties by key id. */
  selectShareKeysOfDocument(documentId: string): Promise<readonly ShareKeyRow[]>
  /** Sets revoked_at to `now` unless already set; false when the document has no such key. */
  revokeShareKey(documentId: string, keyId: string, now: number): Promise<boolean>
  /**
   * Inserts the upload unless (document_id, hash) exists or the document's uploads would pass
   * `quota`; the check and the insert are one transaction, so concurrent uploads cannot overshoot.
   */
  insertUpload(row: UploadRow, quota: UploadQuota): Promise<PutUploadResult>
  selectUpload(documentId: string, hash: string): Promise<UploadRow | null>
  /** Without data; oldest first, ties by hash. */
  selectUploadsOfDocument(documentId: string): Promise<readonly UploadInfoRow[]>
  /** Live documents with id > `after`, by id, at most `limit`, with their stored size. */
  selectDocumentPage(after: string, limit: number): Promise<readonly DocumentSummaryRow[]>
  /** One transaction: deleted_at = now, title '', keys revoked, snapshot, log and uploads deleted; false when not live. */
  deleteDocument(id: string, now: number): Promise<boolean>
  /** changed_at = max(changed_at, at) for each. */
  updateChangedAt(changes: readonly DocumentChange[]): Promise<void>
  /**
   * announced_at = now when it is null or at most `now - spacingMs`, in one statement; returns null
   * then (or when there is no such document), and otherwise `announced_at + spacingMs`.
   */
  claimAnnouncement(id: string, now: number, spacingMs: number): Promise<number | null>
}
