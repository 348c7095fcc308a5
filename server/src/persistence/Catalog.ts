/**
 * The catalog port: documents and share keys, as rows (rowCodec.ts maps them to records). Adapters
 * hold the queries; RowStore checks that the store is open and maps rows, once for every adapter.
 */
import type { DocumentChange } from './DocumentStore'
import type { DocumentRow, DocumentSummaryRow, ShareKeyRow } from './rowCodec'

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
  /** Live documents with id > `after`, by id, at most `limit`, with their stored size. */
  selectDocumentPage(after: string, limit: number): Promise<readonly DocumentSummaryRow[]>
  /** One transaction: deleted_at = now, title '', keys revoked, snapshot and log deleted; false when not live. */
  deleteDocument(id: string, now: number): Promise<boolean>
  /** changed_at = max(changed_at, at) for each. */
  updateChangedAt(changes: readonly DocumentChange[]): Promise<void>
}
