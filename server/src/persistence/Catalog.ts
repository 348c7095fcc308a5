/**
 * The catalog port: documents and share keys, as rows (rowCodec.ts maps them to records). Adapters
 * hold the queries; RowStore checks that the store is open and maps rows, once for every adapter.
 */
import type { DocumentRow, ShareKeyRow } from './rowCodec'

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
}
