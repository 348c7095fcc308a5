/**
 * A node's version history: DocumentHistory (taking and storing versions) and the VersionRecorder
 * that takes automatic ones from this node's commits. The API names, lists and restores through it.
 */
import type { Config } from '../config'
import type { Logger } from '../logger'
import type { DocumentStore, VersionRecord } from '../persistence/DocumentStore'
import { DocumentHistory } from './DocumentHistory'
import { VersionRecorder } from './VersionRecorder'

export interface HistoryOptions {
  readonly store: DocumentStore
  readonly config: Pick<
    Config,
    'versionIdleMs' | 'versionMaxIntervalMs' | 'maxVersionsPerDocument' | 'maxVersionBytesPerDocument'
  >
  readonly logger: Pick<Logger, 'warn'>
  readonly onVersionCreated?: (version: VersionRecord) => void
  /** An automatic version was refused: it would not fit beside the retention floor (counted). */
  readonly onAutoVersionRefused?: () => void
}

export class History {
  readonly versions: DocumentHistory
  private readonly recorder: VersionRecorder

  constructor({ store, config, logger, onVersionCreated, onAutoVersionRefused }: HistoryOptions) {
    this.versions = new DocumentHistory({
      store,
      retention: { maxCount: config.maxVersionsPerDocument, maxBytes: config.maxVersionBytesPerDocument },
      ...(onVersionCreated ? { onVersionCreated } : {}),
    })
    this.recorder = new VersionRecorder({
      idleMs: config.versionIdleMs,
      maxIntervalMs: config.versionMaxIntervalMs,
      record: async (request) => {
        const taken = await this.versions.takeVersion(request)
        // Refused rather than pruning the floor (versionRetention.ts): older history is worth more.
        if (taken === 'over-quota') {
          logger.warn({ documentId: request.documentId }, 'automatic version refused: versions are full')
          onAutoVersionRefused?.()
        }
        return taken
      },
      addAuthors: (documentId, authors) => this.versions.addAuthors(documentId, authors),
      onRecordFailed: (error, documentId) =>
        logger.warn({ err: error, documentId }, 'could not take an automatic version'),
      onNoteFailed: (error, documentId) =>
        logger.warn({ err: error, documentId }, 'could not note a committed update for history'),
    })
  }

  /** The commit queue's listener (automatic versions). */
  get onCommitted() {
    return this.recorder.onCommitted
  }

  /** Takes the document's pending automatic version now, if this node has one open. */
  recordPending(documentId: string): Promise<unknown> {
    return this.recorder.recordNow(documentId)
  }

  /**
   * Before a restore replaces the document: keeps what it holds now as a version, whichever node
   * committed the edits (this node's window alone would miss another node's, whose window may be
   * covered by a claim or not closed yet), unless its latest version already holds exactly that.
   * This node's window is ended by it: its people are listed on that version. Rejects (the restore
   * must not go on) when storage fails.
   */
  async keepBeforeRestore(documentId: string): Promise<void> {
    const seen = this.recorder.claimWindow(documentId)
    const authors = seen ?? { editors: [], clients: [] }
    let kept = false
    try {
      const result = await this.versions.takeVersionUnlessUnchanged({
        documentId,
        kind: 'auto',
        name: null,
        ...authors,
      })
      // The latest version holds these edits (another node's claim took it): its people join it.
      if (result === 'unchanged' && seen !== null) await this.versions.addAuthors(documentId, seen)
      kept = result !== 'over-quota'
    } finally {
      // Not kept (retention refused it, or storage failed): recorded automatically after all.
      if (seen !== null && !kept) this.recorder.returnWindow(documentId, seen)
    }
  }

  /**
   * Takes a named version of the document now; it covers the edits the pending automatic version
   * would have (their editors are listed on it). 'over-quota' when retention refuses it.
   */
  async takeNamedVersion(documentId: string, name: string): Promise<VersionRecord | 'over-quota' | null> {
    // Claimed before the state is read, so edits committed meanwhile open a new window; given back
    // unless the named version was stored, so a refused one does not lose the automatic version.
    const seen = this.recorder.claimWindow(documentId)
    let taken: VersionRecord | 'over-quota' | null = null
    try {
      const result = await this.versions.takeVersion({
        documentId,
        kind: 'named',
        name,
        ...(seen ?? { editors: [], clients: [] }),
      })
      // Never covered: without coveredSince the claim is always granted.
      taken = result !== null && typeof result === 'object' && 'covered' in result ? null : result
      return taken
    } finally {
      if (seen !== null && (taken === null || taken === 'over-quota'))
        this.recorder.returnWindow(documentId, seen)
    }
  }

  /** Takes every pending automatic version and waits for them (shutdown, before the store closes). */
  async close(): Promise<void> {
    await this.recorder.close()
    await this.versions.idle()
  }
}
