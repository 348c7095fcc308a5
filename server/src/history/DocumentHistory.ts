/**
 * Takes versions of documents: the state the store holds now (everything committed, by any node),
 * folded off the event loop when large, stored with who edited since the previous version, and
 * announced (`version.created`). One version is taken at a time per node, so a burst of them holds
 * at most one document's state in memory at once.
 */
import { randomBytes } from 'node:crypto'
import { commentsRoomName, type VersionClient, type VersionKind } from '@tandem/shared'
import * as Y from 'yjs'
import { compactUpdatesAdaptive } from '../persistence/compactUpdates'
import type { DocumentStore, VersionRecord, VersionRetention } from '../persistence/DocumentStore'
import type { FoldUpdates } from '../persistence/RowStore'
import { SerialQueue } from '../persistence/SerialQueue'
import { mergeVersionAuthors } from '../persistence/versionAuthors'
import { namedVersionsFit } from '../persistence/versionRetention'
import { sameState } from './sameState'

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
  /**
   * Automatic versions: the caller's edits are covered by any version claimed after this time (ms
   * since the epoch, this node's clock), and then none is taken ('covered'). Absent: always taken
   * (named versions, restores).
   */
  readonly coveredSince?: number
}

/**
 * takeVersion's answer when a version claimed at `claimedAt` (by any node; converted to this node's
 * clock, never later than the claim was) covers the request.
 */
export interface VersionCovered {
  readonly covered: true
  readonly claimedAt: number
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
   * it; null when the catalog has no such document (a room opened without the API) or it was deleted
   * meanwhile (its last edits' window closing after the delete);
   * VersionCovered when the store's claim says another version (of any node) already holds the edits.
   */
  takeVersion(request: VersionRequest): Promise<VersionRecord | 'over-quota' | VersionCovered | null> {
    return this.queue.run(async () => {
      // Only documents get versions: a room opened without POST /api/documents has no record, and
      // every route that would list, read or restore its versions answers 404 (as the content API
      // does), so they would only take space. A deleted document gets none either.
      const document = await this.options.store.getDocument(request.documentId)
      if (document === null || document.deletedAt !== null) return null
      // From the records, before reading (and folding) the whole state: a full named quota must
      // cost a caller one small query, not a read of the document. addVersion checks the bytes.
      if (request.kind === 'named') {
        const existing = await this.options.store.listVersions(request.documentId)
        if (!namedVersionsFit(existing, this.options.retention, 0)) return 'over-quota'
      }
      // Claimed before the state is read: a version claimed later holds every edit committed before
      // its claim, which is what lets another node's window count as covered by it.
      // The store dates claims by its own clock; this node's clock only measures durations, so a node
      // whose clock is off neither blocks nor skips another's versions. Both conversions err towards
      // an extra version: the round trip makes the edits look more recent and the claim older.
      const versionId = newVersionId()
      const askedAt = Date.now()
      const claim = await this.options.store.claimVersion(request.documentId, {
        versionId,
        coveredWithinMs:
          request.coveredSince === undefined ? null : Math.max(0, askedAt - request.coveredSince),
      })
      if (!claim.granted) return { covered: true, claimedAt: askedAt - claim.claimedMsAgo }
      const state = await this.readState(request.documentId)
      // The threads of that moment, read from the store like the text (no room is loaded): a
      // version keeps comments deleted or resolved since. Read after the text, so an anchor made
      // just after the text was read may point past it; it then shows as detached in that version.
      // Bounded by the comments room's size limit (MAX_COMMENTS_DOCUMENT_BYTES).
      const comments = await this.readState(commentsRoomName(request.documentId))
      const { coveredSince: _coveredSince, ...fields } = request
      const version = {
        ...fields,
        // People whose edits an earlier version held after it was stored are listed here.
        ...mergeVersionAuthors(request, claim.waiting),
        versionId,
        createdAt: Date.now(),
        bytes: state.byteLength,
        state,
        commentsBytes: comments.byteLength,
        comments,
      }
      const result = await this.options.store.addVersion(version, this.options.retention)
      if (result === 'over-quota') return result
      // Deleted while its state was read: the insert checked, so no version outlives the document.
      if (result === 'document-deleted') return null
      const { state: _state, comments: _comments, ...record } = version
      this.options.onVersionCreated?.(record)
      return record
    })
  }

  /**
   * Before a restore: a version of the document as the store holds it now (every node's edits, not
   * only this node's window), unless its latest version holds exactly that ('unchanged'). Always
   * claimed without `coveredSince`: another node's pending version may never be taken, or be taken
   * after the restore, when it no longer holds what is replaced.
   */
  async takeVersionUnlessUnchanged(
    request: Omit<VersionRequest, 'coveredSince'>,
  ): Promise<VersionRecord | 'over-quota' | 'unchanged' | null> {
    const unchanged = await this.queue.run(async () => {
      const [latest] = await this.options.store.listVersions(request.documentId)
      if (latest === undefined) return false
      const version = await this.options.store.getVersion(request.documentId, latest.versionId)
      return version !== null && sameState(version.state, await this.readState(request.documentId))
    })
    if (unchanged) return 'unchanged'
    // Read again after the claim (takeVersion): edits committed since the comparison are kept too.
    const taken = await this.takeVersion(request)
    // Never covered: without coveredSince the claim is always granted.
    return taken !== null && typeof taken === 'object' && 'covered' in taken ? null : taken
  }

  /** Adds the people of a covered request to the version that covered it (or the next one). */
  addAuthors(documentId: string, authors: Pick<VersionRequest, 'editors' | 'clients'>): Promise<void> {
    return this.options.store.addVersionAuthors(documentId, {
      editors: authors.editors,
      clients: authors.clients,
    })
  }

  /** Settles once every version requested so far has been taken (or failed). */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  private async readState(documentId: string): Promise<Uint8Array> {
    const { snapshot, updates } = await this.options.store.load(documentId)
    const parts = snapshot ? [snapshot, ...updates] : [...updates]
    // A room never written to (a document nobody commented on): the state of an empty doc.
    if (parts.length === 0) return Y.encodeStateAsUpdate(new Y.Doc())
    // A compacted room with an empty log is already one state: no need to replay it.
    if (parts.length === 1) return parts[0]!
    return this.fold(parts)
  }
}

/** 16 random bytes as base64url: unguessable, and a valid id in API paths. */
function newVersionId(): string {
  return randomBytes(16).toString('base64url')
}
