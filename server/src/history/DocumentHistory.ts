/**
 * Takes versions of documents: the state the store holds now (everything committed, by any node),
 * folded off the event loop when large, stored with who edited since the previous version, and
 * announced (`version.created`). One version is taken at a time per node, so a burst of them holds
 * at most one document's state in memory at once.
 */
import { randomBytes } from 'node:crypto'
import type { VersionClient, VersionKind } from '@tandem/shared'
import { compactUpdatesAdaptive } from '../persistence/compactUpdates'
import type { DocumentStore, VersionRecord, VersionRetention } from '../persistence/DocumentStore'
import type { FoldUpdates } from '../persistence/RowStore'
import { SerialQueue } from '../persistence/SerialQueue'
import { namedVersionsFit } from '../persistence/versionRetention'

export interface DocumentHistoryOptions {
  readonly store: DocumentStore
  readonly retention: VersionRetention
  /** Default compactUpdatesAdaptive (inline when small, on a worker when large). */
  readonly fold?: FoldUpdates
  /** Called once a version is stored (webhooks announce it). */
  readonly onVersionCreated?: (version: VersionRecord) => void
}

/** What a new version records besides the state. */
export interface VersionRequest {
  readonly documentId: string
  readonly kind: VersionKind
  readonly name: string | null
  readonly editors: readonly string[]
  readonly clients: readonly VersionClient[]
}

export class DocumentHistory {
  private readonly queue = new SerialQueue()
  private readonly fold: FoldUpdates

  constructor(private readonly options: DocumentHistoryOptions) {
    this.fold = options.fold ?? compactUpdatesAdaptive
  }

  get retention(): VersionRetention {
    return this.options.retention
  }

  /**
   * Stores a version of the document as the store holds it now; 'over-quota' when retention refuses
   * it; null when the document was deleted meanwhile (its last edits' window closing after the delete).
   */
  takeVersion(request: VersionRequest): Promise<VersionRecord | 'over-quota' | null> {
    return this.queue.run(async () => {
      // Rooms opened without the API have no record and get versions; a deleted document gets none.
      const document = await this.options.store.getDocument(request.documentId)
      if (document !== null && document.deletedAt !== null) return null
      // From the records, before reading (and folding) the whole state: a full named quota must
      // cost a caller one small query, not a read of the document. addVersion checks the bytes.
      if (request.kind === 'named') {
        const existing = await this.options.store.listVersions(request.documentId)
        if (!namedVersionsFit(existing, this.options.retention, 0)) return 'over-quota'
      }
      const state = await this.readState(request.documentId)
      const version = {
        ...request,
        versionId: newVersionId(),
        createdAt: Date.now(),
        bytes: state.byteLength,
        state,
      }
      const result = await this.options.store.addVersion(version, this.options.retention)
      if (result === 'over-quota') return result
      // Deleted while its state was read: the insert checked, so no version outlives the document.
      if (result === 'document-deleted') return null
      const { state: _state, ...record } = version
      this.options.onVersionCreated?.(record)
      return record
    })
  }

  /** Settles once every version requested so far has been taken (or failed). */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  private async readState(documentId: string): Promise<Uint8Array> {
    const { snapshot, updates } = await this.options.store.load(documentId)
    const parts = snapshot ? [snapshot, ...updates] : [...updates]
    // A compacted room with an empty log is already one state: no need to replay it.
    if (parts.length === 1) return parts[0]!
    return this.fold(parts)
  }
}

/** 16 random bytes as base64url: unguessable, and a valid id in API paths. */
function newVersionId(): string {
  return randomBytes(16).toString('base64url')
}
