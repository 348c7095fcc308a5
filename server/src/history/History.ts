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

  /** Takes the document's pending automatic version now, so what it held is kept before a restore. */
  recordPending(documentId: string): Promise<unknown> {
    return this.recorder.recordNow(documentId)
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
