/** In-memory DocumentStore: for tests and `STORAGE=memory`. Nothing survives the process. */

import { compactUpdates } from '../compactUpdates'
import type {
  DocumentRecord,
  DocumentStore,
  PutUploadResult,
  ShareKeyRecord,
  StoredDocument,
  StoredUpload,
  UpdateEntry,
  UploadQuota,
  UploadRecord,
} from '../DocumentStore'
import { StorageError } from '../StorageError'
import { validateEntries } from '../validateEntries'

interface RoomLog {
  snapshot: Uint8Array | null
  updates: Uint8Array[]
}

export class MemoryStore implements DocumentStore {
  private readonly rooms = new Map<string, RoomLog>()
  private readonly documents = new Map<string, DocumentRecord>()
  private readonly shareKeys = new Map<string, ShareKeyRecord>()
  /** Per document, by hash, in insertion order. */
  private readonly uploads = new Map<string, Map<string, StoredUpload>>()
  private closed = false

  async load(room: string): Promise<StoredDocument> {
    this.assertOpen('load')
    const log = this.rooms.get(room)
    return { snapshot: log?.snapshot ?? null, updates: log ? [...log.updates] : [] }
  }

  async append(entries: readonly UpdateEntry[]): Promise<void> {
    validateEntries(entries)
    this.assertOpen('append')
    for (const { room, update } of entries) {
      let log = this.rooms.get(room)
      if (!log) {
        log = { snapshot: null, updates: [] }
        this.rooms.set(room, log)
      }
      // A copy, as a database would store: the caller may reuse or mutate its buffer afterwards.
      log.updates.push(update.slice())
    }
  }

  async compact(room: string): Promise<void> {
    this.assertOpen('compact')
    const log = this.rooms.get(room)
    if (!log || log.updates.length === 0) return
    const parts = log.snapshot ? [log.snapshot, ...log.updates] : log.updates
    log.snapshot = compactUpdates(parts)
    log.updates = []
  }

  async logSize(room: string): Promise<{ rows: number; bytes: number }> {
    this.assertOpen('logSize')
    const updates = this.rooms.get(room)?.updates ?? []
    return { rows: updates.length, bytes: updates.reduce((sum, update) => sum + update.byteLength, 0) }
  }

  async createDocument(record: DocumentRecord): Promise<void> {
    this.assertOpen('createDocument')
    if (this.documents.has(record.id)) throw new StorageError('conflict', `document ${record.id} exists`)
    this.documents.set(record.id, { ...record })
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    this.assertOpen('getDocument')
    return this.documents.get(id) ?? null
  }

  async addShareKey(record: ShareKeyRecord): Promise<void> {
    this.assertOpen('addShareKey')
    if (this.shareKeys.has(record.keyId)) {
      throw new StorageError('conflict', `share key ${record.keyId} exists`)
    }
    if (this.findKey(record.documentId, record.keyHash)) {
      throw new StorageError('conflict', `document ${record.documentId} already has a key with this hash`)
    }
    this.shareKeys.set(record.keyId, { ...record })
  }

  async findShareKey(documentId: string, keyHash: string): Promise<ShareKeyRecord | null> {
    this.assertOpen('findShareKey')
    return this.findKey(documentId, keyHash)
  }

  async getShareKey(documentId: string, keyId: string): Promise<ShareKeyRecord | null> {
    this.assertOpen('getShareKey')
    const key = this.shareKeys.get(keyId)
    return key && key.documentId === documentId ? key : null
  }

  async listShareKeys(documentId: string): Promise<ShareKeyRecord[]> {
    this.assertOpen('listShareKeys')
    return [...this.shareKeys.values()]
      .filter((key) => key.documentId === documentId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0))
  }

  async revokeShareKey(documentId: string, keyId: string): Promise<boolean> {
    this.assertOpen('revokeShareKey')
    const key = this.shareKeys.get(keyId)
    if (!key || key.documentId !== documentId) return false
    if (key.revokedAt === null) this.shareKeys.set(keyId, { ...key, revokedAt: Date.now() })
    return true
  }

  async putUpload(upload: StoredUpload, quota: UploadQuota): Promise<PutUploadResult> {
    this.assertOpen('putUpload')
    let uploads = this.uploads.get(upload.documentId)
    if (uploads?.has(upload.hash)) return 'exists'
    const stored = [...(uploads?.values() ?? [])]
    const bytes = stored.reduce((sum, existing) => sum + existing.bytes, 0)
    if (stored.length + 1 > quota.maxCount || bytes + upload.bytes > quota.maxBytes) return 'over-quota'
    if (!uploads) {
      uploads = new Map()
      this.uploads.set(upload.documentId, uploads)
    }
    uploads.set(upload.hash, { ...upload, data: upload.data.slice() })
    return 'stored'
  }

  async getUpload(documentId: string, hash: string): Promise<StoredUpload | null> {
    this.assertOpen('getUpload')
    return this.uploads.get(documentId)?.get(hash) ?? null
  }

  async listUploads(documentId: string): Promise<UploadRecord[]> {
    this.assertOpen('listUploads')
    return [...(this.uploads.get(documentId)?.values() ?? [])]
      .map(({ data: _data, ...record }) => record)
      .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
  }

  isHealthy(): boolean {
    return !this.closed
  }

  async close(): Promise<void> {
    this.closed = true
  }

  private findKey(documentId: string, keyHash: string): ShareKeyRecord | null {
    for (const key of this.shareKeys.values()) {
      if (key.documentId === documentId && key.keyHash === keyHash) return key
    }
    return null
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new StorageError('unavailable', `${operation}: store is closed`)
  }
}
