/**
 * Whether the share key an exchanged token came from is still current: a primary-key lookup per
 * key, cached for a short while, and revocations this node heard of remembered at once.
 */
import type { DocumentStore } from '../persistence/DocumentStore'

export interface ShareKeyStatusOptions {
  /**
   * How long a lookup's answer is reused. A flood of upgrades or API calls with one token costs one
   * store read per key per this long; a revocation relayed from another node skips the wait. Default 1000.
   */
  readonly cacheMs?: number
  /** Keys remembered at most (answers and revocations each); the oldest is forgotten first. Default 10,000. */
  readonly maxEntries?: number
  /** Clock in milliseconds. Default `Date.now`. */
  readonly now?: () => number
}

export const DEFAULT_SHARE_KEY_CACHE_MS = 1000
const DEFAULT_MAX_ENTRIES = 10_000

interface CachedAnswer {
  readonly active: boolean
  readonly checkedAtMs: number
}

export class ShareKeyStatus {
  private readonly answers = new Map<string, CachedAnswer>()
  /** Revocations are final, so they are kept past `cacheMs` (bounded): checks in flight must see them. */
  private readonly revoked = new Set<string>()
  /** Deleted documents this node heard of: every key of theirs is refused without a lookup. */
  private readonly deletedDocuments = new Set<string>()
  private readonly inFlight = new Map<string, Promise<boolean>>()
  private readonly cacheMs: number
  private readonly maxEntries: number
  private readonly now: () => number

  constructor(
    private readonly store: Pick<DocumentStore, 'getShareKey' | 'getDocument'>,
    options: ShareKeyStatusOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? DEFAULT_SHARE_KEY_CACHE_MS
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.now = options.now ?? Date.now
  }

  /**
   * True when `keyId` is a key of `documentId` that is not revoked, and the document exists and is
   * not deleted. Rejects when the store cannot answer (the caller refuses: fail closed).
   */
  async isActive(documentId: string, keyId: string): Promise<boolean> {
    const id = entryId(documentId, keyId)
    if (this.revoked.has(id) || this.deletedDocuments.has(documentId)) return false
    const cached = this.answers.get(id)
    if (cached && this.now() - cached.checkedAtMs < this.cacheMs) return cached.active
    let lookup = this.inFlight.get(id)
    if (lookup === undefined) {
      lookup = this.lookUp(documentId, keyId).finally(() => this.inFlight.delete(id))
      this.inFlight.set(id, lookup)
    }
    const active = await lookup
    // A revocation heard while the store was answering wins over what it said.
    return active && !this.revoked.has(id) && !this.deletedDocuments.has(documentId)
  }

  /**
   * True when the document was deleted. A token minted without a share key is checked against this,
   * so it cannot reopen a deleted document's room as a new, empty one until the token expires.
   * Documents the catalog never had (rooms opened without `POST /api/documents`) are not deleted.
   * Rejects when the store cannot answer (the caller refuses: fail closed).
   */
  async isDocumentDeleted(documentId: string): Promise<boolean> {
    if (this.deletedDocuments.has(documentId)) return true
    const id = entryId(documentId, '')
    const cached = this.answers.get(id)
    if (cached && this.now() - cached.checkedAtMs < this.cacheMs) return !cached.active
    let lookup = this.inFlight.get(id)
    if (lookup === undefined) {
      lookup = this.lookUpDocument(documentId).finally(() => this.inFlight.delete(id))
      this.inFlight.set(id, lookup)
    }
    const live = await lookup
    return !live || this.deletedDocuments.has(documentId)
  }

  /** Records a deletion this node made or heard of; from now on every key of the document is refused. */
  markDocumentDeleted(documentId: string): void {
    remember(this.deletedDocuments, documentId, this.maxEntries)
  }

  /** Records a revocation this node made or heard of; from now on the key is refused without a lookup. */
  markRevoked(documentId: string, keyId: string): void {
    const id = entryId(documentId, keyId)
    this.answers.delete(id)
    remember(this.revoked, id, this.maxEntries)
  }

  private async lookUp(documentId: string, keyId: string): Promise<boolean> {
    const checkedAtMs = this.now()
    const [key, document] = await Promise.all([
      this.store.getShareKey(documentId, keyId),
      this.store.getDocument(documentId),
    ])
    const active = key !== null && key.revokedAt === null && document !== null && document.deletedAt === null
    if (document?.deletedAt != null) this.markDocumentDeleted(documentId)
    if (key?.revokedAt != null) this.markRevoked(documentId, keyId)
    else this.cache(entryId(documentId, keyId), { active, checkedAtMs })
    return active
  }

  /** True unless the catalog holds the document as deleted (deletion is final: remembered). */
  private async lookUpDocument(documentId: string): Promise<boolean> {
    const checkedAtMs = this.now()
    const document = await this.store.getDocument(documentId)
    if (document?.deletedAt != null) {
      this.markDocumentDeleted(documentId)
      return false
    }
    this.cache(entryId(documentId, ''), { active: true, checkedAtMs })
    return true
  }

  private cache(id: string, answer: CachedAnswer): void {
    this.answers.delete(id)
    if (this.answers.size >= this.maxEntries) {
      const oldest = this.answers.keys().next().value
      if (oldest !== undefined) this.answers.delete(oldest)
    }
    this.answers.set(id, answer)
  }
}

// Document ids and key ids are room names, which never contain a space; '' stands for the document itself.
function entryId(documentId: string, keyId: string): string {
  return `${documentId} ${keyId}`
}

function remember(set: Set<string>, id: string, max: number): void {
  set.delete(id)
  if (set.size >= max) {
    const oldest = set.values().next().value
    if (oldest !== undefined) set.delete(oldest)
  }
  set.add(id)
}
