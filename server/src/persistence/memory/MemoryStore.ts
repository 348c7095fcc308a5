/** In-memory DocumentStore: for tests and `STORAGE=memory`. Nothing survives the process. */

import { compactUpdates } from '../compactUpdates'
import type {
  DocumentChange,
  DocumentRecord,
  DocumentStore,
  DocumentSummaryRecord,
  ShareKeyRecord,
  StoredDocument,
  UpdateEntry,
} from '../DocumentStore'
import { StorageError } from '../StorageError'
import { validateEntries } from '../validateEntries'
import type { ClaimOptions, OutboxDelivery, OutboxEntry } from '../WebhookOutbox'

interface QueuedDelivery extends Omit<OutboxDelivery, 'attempts'> {
  attempts: number
  dueAt: number
}

interface RoomLog {
  snapshot: Uint8Array | null
  updates: Uint8Array[]
}

export class MemoryStore implements DocumentStore {
  private readonly rooms = new Map<string, RoomLog>()
  private readonly documents = new Map<string, DocumentRecord>()
  private readonly shareKeys = new Map<string, ShareKeyRecord>()
  private readonly changedAt = new Map<string, number>()
  /** By id, in insertion order; ids count up like an AUTOINCREMENT column. */
  private readonly outbox = new Map<string, QueuedDelivery>()
  private nextDeliveryId = 1
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

  async listDocuments(after: string, limit: number): Promise<DocumentSummaryRecord[]> {
    this.assertOpen('listDocuments')
    return [...this.documents.values()]
      .filter((document) => document.deletedAt === null && document.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((document) => {
        const log = this.rooms.get(document.id)
        const logBytes = log?.updates.reduce((sum, update) => sum + update.byteLength, 0) ?? 0
        return {
          id: document.id,
          title: document.title,
          createdAt: document.createdAt,
          changedAt: this.changedAt.get(document.id) ?? null,
          sizeBytes: (log?.snapshot?.byteLength ?? 0) + logBytes,
        }
      })
  }

  async deleteDocument(id: string): Promise<boolean> {
    this.assertOpen('deleteDocument')
    const document = this.documents.get(id)
    if (!document || document.deletedAt !== null) return false
    const now = Date.now()
    this.documents.set(id, { ...document, title: '', deletedAt: now })
    for (const key of this.shareKeys.values()) {
      if (key.documentId === id && key.revokedAt === null) {
        this.shareKeys.set(key.keyId, { ...key, revokedAt: now })
      }
    }
    this.rooms.delete(id)
    return true
  }

  async markDocumentsChanged(changes: readonly DocumentChange[]): Promise<void> {
    this.assertOpen('markDocumentsChanged')
    for (const { id, at } of changes) {
      if (this.documents.has(id)) this.changedAt.set(id, Math.max(this.changedAt.get(id) ?? 0, at))
    }
  }

  async enqueueDeliveries(
    entries: readonly OutboxEntry[],
    options: { readonly now: number; readonly maxRows: number },
  ): Promise<number> {
    this.assertOpen('enqueueDeliveries')
    let added = 0
    for (const { url, body } of entries) {
      if (this.outbox.size >= options.maxRows) break
      const id = String(this.nextDeliveryId++)
      this.outbox.set(id, { id, url, body, attempts: 0, createdAt: options.now, dueAt: options.now })
      added++
    }
    return added
  }

  async claimDeliveries({ now, limit, leaseMs }: ClaimOptions): Promise<OutboxDelivery[]> {
    this.assertOpen('claimDeliveries')
    const due = [...this.outbox.values()]
      .filter((delivery) => delivery.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || Number(a.id) - Number(b.id))
      .slice(0, limit)
    return due.map((delivery) => {
      delivery.attempts++
      delivery.dueAt = now + leaseMs
      const { dueAt: _, ...claimed } = delivery
      return claimed
    })
  }

  async removeDelivery(id: string): Promise<void> {
    this.assertOpen('removeDelivery')
    this.outbox.delete(id)
  }

  async rescheduleDelivery(id: string, dueAt: number): Promise<void> {
    this.assertOpen('rescheduleDelivery')
    const delivery = this.outbox.get(id)
    if (delivery) delivery.dueAt = dueAt
  }

  async countDeliveries(): Promise<number> {
    this.assertOpen('countDeliveries')
    return this.outbox.size
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
