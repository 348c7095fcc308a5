/**
 * The one codec between stored rows and the store's records, for every SQL adapter: checksummed
 * blobs, document rows and share-key rows (snake_case columns, the same in SQLite and PostgreSQL).
 */
import { crc32 } from 'node:zlib'
import {
  isContentHash,
  isRole,
  UPLOAD_IMAGE_TYPES,
  type UploadImageType,
  VERSION_KINDS,
  type VersionClient,
} from '@tandem/shared'
import type {
  DocumentRecord,
  DocumentSummaryRecord,
  ShareKeyRecord,
  StoredUpload,
  StoredVersion,
  UploadRecord,
  VersionAuthors,
  VersionRecord,
} from './DocumentStore'
import { StorageError } from './StorageError'
import type { OutboxDelivery } from './WebhookOutbox'

/** A checksummed blob as stored: `data` is whatever the driver hands back, checked before use. */
export interface BlobRow {
  readonly data: unknown
  readonly crc32: number
}

/** Integer columns: numbers from SQLite, BIGINT strings from PostgreSQL. */
type StoredInteger = number | string

export interface DocumentRow {
  readonly id: string
  readonly title: string
  readonly created_at: StoredInteger
  readonly deleted_at: StoredInteger | null
}

/** A row of a document page: the document's columns plus its edit time and stored bytes. */
export interface DocumentSummaryRow extends DocumentRow {
  readonly changed_at: StoredInteger | null
  readonly size_bytes: StoredInteger
}

/** A claimed outbox row (`webhook_outbox`). */
export interface OutboxRow {
  readonly id: StoredInteger
  readonly url: string
  readonly body: string
  readonly attempts: StoredInteger
  readonly created_at: StoredInteger
}

export interface ShareKeyRow {
  readonly key_id: string
  readonly document_id: string
  readonly role: string
  readonly key_hash: string
  readonly created_at: StoredInteger
  readonly revoked_at: StoredInteger | null
  readonly created_by: string | null
}

/** An upload's columns without its bytes. */
export interface UploadInfoRow {
  readonly document_id: string
  readonly hash: string
  readonly type: string
  readonly bytes: StoredInteger
  readonly created_at: StoredInteger
}

/** An upload's row: its columns and its checksummed bytes. */
export interface UploadRow extends UploadInfoRow, BlobRow {}

/** The CRC-32 stored beside a blob (unsigned; PostgreSQL's INTEGER column keeps it as `| 0`). */
export function writeChecksum(bytes: Uint8Array): number {
  return crc32(bytes)
}

/**
 * Returns the row's bytes after checking them against the CRC-32 stored beside them. SQLite does
 * not checksum its pages, PostgreSQL only when the cluster was initialized with data checksums, and
 * neither catches bytes changed by a stray tool or script; CRC-32 detects every burst error up to
 * 32 bits at ~1 ms per 5 MB. Structurally invalid updates stored with a matching checksum still
 * fail later, when the room applies them. Signed and unsigned checksums compare alike.
 */
export function readCheckedBytes(row: BlobRow, room: string, what: string): Uint8Array {
  const { data } = row
  if (
    !(data instanceof Uint8Array) ||
    typeof row.crc32 !== 'number' ||
    (crc32(data) | 0) !== (row.crc32 | 0)
  ) {
    throw new StorageError(
      'corrupt',
      `room ${JSON.stringify(room)}: ${what} fails its checksum; left untouched`,
    )
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** Millisecond timestamps fit a double exactly. */
function readInteger(value: StoredInteger | null): number | null {
  return value === null ? null : Number(value)
}

export function writeDocumentRow(record: DocumentRecord): DocumentRow {
  return { id: record.id, title: record.title, created_at: record.createdAt, deleted_at: record.deletedAt }
}

export function readDocumentRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    title: row.title,
    createdAt: Number(row.created_at),
    deletedAt: readInteger(row.deleted_at),
  }
}

export function readDocumentSummary(row: DocumentSummaryRow): DocumentSummaryRecord {
  return {
    id: row.id,
    title: row.title,
    createdAt: Number(row.created_at),
    changedAt: readInteger(row.changed_at),
    sizeBytes: Number(row.size_bytes),
  }
}

export function readOutboxDelivery(row: OutboxRow): OutboxDelivery {
  return {
    id: String(row.id),
    url: row.url,
    body: row.body,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
  }
}

export function writeShareKeyRow(record: ShareKeyRecord): ShareKeyRow {
  return {
    key_id: record.keyId,
    document_id: record.documentId,
    role: record.role,
    key_hash: record.keyHash,
    created_at: record.createdAt,
    revoked_at: record.revokedAt,
    created_by: record.createdBy,
  }
}

/** Rejects (`corrupt`) a row whose role this code does not know. */
export function readShareKeyRecord(row: ShareKeyRow): ShareKeyRecord {
  const { role } = row
  if (!isRole(role)) {
    throw new StorageError('corrupt', `share key ${row.key_id}: unknown role ${JSON.stringify(role)}`)
  }
  return {
    keyId: row.key_id,
    documentId: row.document_id,
    role,
    keyHash: row.key_hash,
    createdAt: Number(row.created_at),
    revokedAt: readInteger(row.revoked_at),
    createdBy: row.created_by,
  }
}

export function writeUploadRow(upload: StoredUpload): UploadRow {
  return {
    document_id: upload.documentId,
    hash: upload.hash,
    type: upload.type,
    bytes: upload.bytes,
    created_at: upload.createdAt,
    data: upload.data,
    crc32: writeChecksum(upload.data),
  }
}

/** Rejects (`corrupt`) a row with an unknown type or a malformed hash: its bytes would be served as that type. */
export function readUploadRecord(row: UploadInfoRow): UploadRecord {
  const type = UPLOAD_IMAGE_TYPES.find((known) => known === row.type)
  if (type === undefined || !isContentHash(row.hash)) {
    throw new StorageError('corrupt', `upload ${row.document_id}/${row.hash}: unknown type or malformed hash`)
  }
  return {
    documentId: row.document_id,
    hash: row.hash,
    type: type satisfies UploadImageType,
    bytes: Number(row.bytes),
    createdAt: Number(row.created_at),
  }
}

/** The upload with its bytes checked against their checksum. */
export function readStoredUpload(row: UploadRow): StoredUpload {
  const record = readUploadRecord(row)
  const data = readCheckedBytes(row, row.document_id, `upload ${row.hash}`)
  return { ...record, data }
}

/** A version's columns without its state; `editors` and `clients` are JSON arrays. */
export interface VersionInfoRow {
  readonly document_id: string
  readonly version_id: string
  readonly kind: string
  readonly name: string | null
  readonly created_at: StoredInteger
  readonly bytes: StoredInteger
  readonly editors: string
  readonly clients: string
  /** The comments state's length; null when the version has none recorded. */
  readonly comments_bytes: StoredInteger | null
}

/** Who a version (or a claim's waiting list) names: JSON arrays, as in VersionInfoRow. */
export interface VersionAuthorsRow {
  readonly editors: string
  readonly clients: string
}

/**
 * A document's version claim: when a node last claimed the taking of a version (`claimed_at`, before
 * reading the state), the version it was to store, and authors waiting for a version to list them.
 */
export interface VersionClaimRow extends VersionAuthorsRow {
  readonly claimed_at: StoredInteger
  readonly version_id: string
}

/**
 * A version's row: its columns, its checksummed state and, when recorded, its comments room's state
 * with a checksum of its own (both null when not recorded).
 */
export interface VersionRow extends VersionInfoRow, BlobRow {
  readonly comments: unknown
  readonly comments_crc32: number | null
}

export function writeVersionRow(version: StoredVersion): VersionRow {
  return {
    document_id: version.documentId,
    version_id: version.versionId,
    kind: version.kind,
    name: version.name,
    created_at: version.createdAt,
    bytes: version.state.byteLength,
    ...writeVersionAuthors(version),
    data: version.state,
    crc32: writeChecksum(version.state),
    comments_bytes: version.comments?.byteLength ?? null,
    comments: version.comments,
    comments_crc32: version.comments === null ? null : writeChecksum(version.comments),
  }
}

/** Rejects (`corrupt`) a row with an unknown kind or unreadable editor lists. */
export function readVersionRecord(row: VersionInfoRow): VersionRecord {
  const kind = VERSION_KINDS.find((known) => known === row.kind)
  const label = `version ${row.document_id}/${row.version_id}`
  if (kind === undefined) throw new StorageError('corrupt', `${label}: malformed row`)
  return {
    documentId: row.document_id,
    versionId: row.version_id,
    kind,
    name: row.name,
    createdAt: Number(row.created_at),
    bytes: Number(row.bytes),
    ...readVersionAuthors(row, label),
    commentsBytes: readInteger(row.comments_bytes),
  }
}

export function writeVersionAuthors(authors: VersionAuthors): VersionAuthorsRow {
  return { editors: JSON.stringify(authors.editors), clients: JSON.stringify(authors.clients) }
}

/** Rejects (`corrupt`, naming `label`) lists that are not JSON arrays of names and [client id, name]. */
export function readVersionAuthors(row: VersionAuthorsRow, label: string): VersionAuthors {
  const editors = parseJsonArray(row.editors)
  const clients = parseJsonArray(row.clients)
  const isClient = (entry: unknown): entry is VersionClient =>
    Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'string'
  if (
    editors === null ||
    !editors.every((name): name is string => typeof name === 'string') ||
    clients === null ||
    !clients.every(isClient)
  ) {
    throw new StorageError('corrupt', `${label}: malformed row`)
  }
  return { editors, clients }
}

/** The version with its state checked against its checksum. */
export function readStoredVersion(row: VersionRow): StoredVersion {
  const record = readVersionRecord(row)
  const what = `version ${row.version_id}`
  return {
    ...record,
    state: readCheckedBytes(row, row.document_id, what),
    comments: readRecordedComments(row, what),
  }
}

/** Null when not recorded (both columns null); a blob without its checksum, or the reverse, is corrupt. */
function readRecordedComments(row: VersionRow, what: string): Uint8Array | null {
  if (row.comments === null && row.comments_crc32 === null) return null
  // A missing checksum is passed on as a non-number, which readCheckedBytes refuses.
  return readCheckedBytes(
    { data: row.comments, crc32: row.comments_crc32 as number },
    row.document_id,
    `${what}'s comments`,
  )
}

function parseJsonArray(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value : null
  } catch {
    return null
  }
}
