/** Turns rows read by PostgresStore into the port's records, checking checksums and values on the way. */
import { crc32 } from 'node:zlib'
import { ROLES, type Role } from '@tandem/shared'
import type { DocumentRecord, ShareKeyRecord, StoredDocument } from './DocumentStore'
import type { DocumentRow, ShareKeyRow, StoredRow } from './postgresStatements'
import { StorageError } from './StorageError'

/** Splits a room's rows (snapshot first, then the log) into a StoredDocument, checking every checksum. */
export function toStoredDocument(room: string, rows: readonly StoredRow[]): StoredDocument {
  let snapshot: Uint8Array | null = null
  const updates: Uint8Array[] = []
  for (const row of rows) {
    if (row.id === null) snapshot = checkedBytes(row, room, 'snapshot')
    else updates.push(checkedBytes(row, room, `update ${row.id}`))
  }
  return { snapshot, updates }
}

/**
 * Returns the row's bytes after checking them against the CRC-32 stored beside them: Postgres
 * checksums its pages only when the cluster was initialized with data checksums, and never
 * catches bytes changed through SQL by a stray tool or script.
 */
function checkedBytes(row: StoredRow, room: string, what: string): Uint8Array {
  const { data } = row
  if (!(data instanceof Uint8Array) || (crc32(data) | 0) !== row.crc32) {
    throw new StorageError(
      'corrupt',
      `room ${JSON.stringify(room)}: ${what} fails its checksum; left untouched`,
    )
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** BIGINT columns arrive as strings; millisecond timestamps fit a double exactly. */
function toNumber(value: string | null): number | null {
  return value === null ? null : Number(value)
}

export function toDocumentRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    title: row.title,
    createdAt: Number(row.created_at),
    deletedAt: toNumber(row.deleted_at),
  }
}

export function toShareKeyRecord(row: ShareKeyRow): ShareKeyRecord {
  if (!(ROLES as readonly string[]).includes(row.role)) {
    throw new StorageError('corrupt', `share key ${row.key_id}: unknown role ${JSON.stringify(row.role)}`)
  }
  return {
    keyId: row.key_id,
    documentId: row.document_id,
    role: row.role as Role,
    keyHash: row.key_hash,
    createdAt: Number(row.created_at),
    revokedAt: toNumber(row.revoked_at),
    createdBy: row.created_by,
  }
}
