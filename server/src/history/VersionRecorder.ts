/**
 * Automatic versions from committed batches: a document's first commit opens a window; each later
 * commit notes its author and Yjs client ids and restarts the quiet timer. The window closes, and a
 * version is taken, once the document has been quiet for `idleMs`, or `maxIntervalMs` after it
 * opened while editing goes on. Listens on the commit queue, so it sees only what this node
 * committed. In a cluster every node with editors in a document closes windows of its own; the
 * store's claim (DocumentStore.claimVersion) lets one of them record the burst, and a node whose
 * edits that version already holds adds its people to it instead of recording a second version.
 */
import {
  documentOfCommentsRoom,
  isShareKeyUserId,
  MAX_VERSION_CLIENTS,
  MAX_VERSION_EDITORS,
  SHARE_LINK_PERSON_NAME,
  UNNAMED_PERSON_NAME,
} from '@tandem/shared'
import * as Y from 'yjs'
import type { CommitListener } from '../persistence/CommitQueue'
import type { UpdateAuthor } from '../persistence/DocumentStore'
import type { VersionCovered, VersionRequest } from './DocumentHistory'

/** Documents with an open window at once; a new one past this closes the oldest window early. */
export const MAX_OPEN_VERSION_WINDOWS = 10_000

export interface VersionRecorderOptions {
  readonly idleMs: number
  readonly maxIntervalMs: number
  /** Takes the version (DocumentHistory.takeVersion). */
  readonly record: (request: VersionRequest) => Promise<unknown>
  /** Lists a covered window's people with the version that covered it (DocumentHistory.addAuthors). */
  readonly addAuthors: (
    documentId: string,
    authors: Pick<VersionRequest, 'editors' | 'clients'>,
  ) => Promise<void>
  /** A version could not be taken (storage down): the next commit opens a new window. */
  readonly onRecordFailed: (error: unknown, documentId: string) => void
  /** A committed update could not be noted (Yjs could not parse it); the rest of its batch still is. */
  readonly onNoteFailed?: (error: unknown, documentId: string) => void
}

interface Window {
  readonly openedAt: number
  /** The window's last commit (its opening, for a window given back). */
  lastCommitAt: number
  readonly editors: Set<string>
  readonly clients: Map<number, string>
  readonly timer: NodeJS.Timeout
}

export class VersionRecorder {
  /** In the order windows opened (Map order), so the oldest is first. */
  private readonly windows = new Map<string, Window>()
  private readonly pending = new Set<Promise<unknown>>()

  constructor(private readonly options: VersionRecorderOptions) {}

  /** The commit queue listener: cheap per update (a parse of its struct headers, no doc). */
  readonly onCommitted: CommitListener = (entries) => {
    const now = Date.now()
    for (const { room, update, author } of entries) {
      // A comments room is not a document: its versions would be listed, announced (version.created)
      // and kept under a name no document has, and restoring one would make no sense.
      if (documentOfCommentsRoom(room) !== undefined) continue
      // One update Yjs cannot parse must not cost the rest of the batch their versions.
      try {
        this.note(room, update, author && historyName(author), now)
      } catch (error) {
        this.options.onNoteFailed?.(error, room)
      }
    }
  }

  /** Takes the document's pending version now, if it has one. */
  recordNow(documentId: string): Promise<unknown> {
    return this.closeWindow(documentId, 'now')
  }

  /**
   * Ends the document's window without taking a version, and returns who it saw: a named version
   * taken now covers those edits instead; null when the document has no open window.
   */
  claimWindow(documentId: string): Pick<VersionRequest, 'editors' | 'clients'> | null {
    const window = this.windows.get(documentId)
    if (window === undefined) return null
    clearTimeout(window.timer)
    this.windows.delete(documentId)
    return { editors: [...window.editors], clients: [...window.clients] }
  }

  /**
   * Gives back what claimWindow returned when the named version that was to cover it was not taken
   * (refused, or storage failed): those edits are recorded by an automatic version after all.
   */
  returnWindow(documentId: string, seen: Pick<VersionRequest, 'editors' | 'clients'>): void {
    this.addToWindow(documentId, seen, Date.now())
  }

  private addToWindow(
    documentId: string,
    seen: Pick<VersionRequest, 'editors' | 'clients'>,
    openedAt: number,
  ): Window {
    const window = this.windows.get(documentId) ?? this.openWindow(documentId, openedAt)
    for (const editor of seen.editors) {
      if (window.editors.size < MAX_VERSION_EDITORS) window.editors.add(editor)
    }
    for (const [clientId, editor] of seen.clients) {
      if (window.clients.size < MAX_VERSION_CLIENTS && !window.clients.has(clientId)) {
        window.clients.set(clientId, editor)
      }
    }
    return window
  }

  /** Takes every pending version and waits for them (shutdown). */
  async close(): Promise<void> {
    for (const documentId of [...this.windows.keys()]) void this.closeWindow(documentId, 'now')
    while (this.pending.size > 0) await Promise.all(this.pending)
  }

  private note(documentId: string, update: Uint8Array, author: string | undefined, now: number): void {
    let window = this.windows.get(documentId)
    if (window === undefined) {
      window = this.openWindow(documentId, now)
    } else {
      // Quiet means no commit for idleMs: each commit starts the wait again.
      window.timer.refresh()
    }
    window.lastCommitAt = now
    // Server-side edits without a person (layout migration) are recorded but name nobody.
    if (author !== undefined) {
      if (window.editors.size < MAX_VERSION_EDITORS) window.editors.add(author)
      if (window.clients.size < MAX_VERSION_CLIENTS) {
        for (const clientId of Y.parseUpdateMeta(update).from.keys()) {
          if (window.clients.size >= MAX_VERSION_CLIENTS) break
          if (!window.clients.has(clientId)) window.clients.set(clientId, author)
        }
      }
    }
    if (now - window.openedAt >= this.options.maxIntervalMs) void this.closeWindow(documentId, 'interval')
  }

  private openWindow(documentId: string, now: number): Window {
    if (this.windows.size >= MAX_OPEN_VERSION_WINDOWS) {
      const oldest = this.windows.keys().next().value
      if (oldest !== undefined) void this.closeWindow(oldest, 'now')
    }
    const timer = setTimeout(() => void this.closeWindow(documentId, 'idle'), this.options.idleMs)
    timer.unref()
    const window: Window = { openedAt: now, lastCommitAt: now, editors: new Set(), clients: new Map(), timer }
    this.windows.set(documentId, window)
    return window
  }

  /**
   * Takes the window's version unless another node's claim covers it: one claimed after the window's
   * last commit holds all of it (its people are added to that version); during steady editing
   * ('interval') one claimed since the window opened is this interval's version, and the window
   * goes on from that claim.
   */
  private closeWindow(documentId: string, reason: 'idle' | 'interval' | 'now'): Promise<unknown> {
    const window = this.windows.get(documentId)
    if (window === undefined) return Promise.resolve()
    clearTimeout(window.timer)
    this.windows.delete(documentId)
    const authors = { editors: [...window.editors], clients: [...window.clients] }
    const taken = this.options
      .record({
        documentId,
        kind: 'auto',
        name: null,
        ...authors,
        coveredSince: reason === 'interval' ? window.openedAt : window.lastCommitAt,
      })
      .then(async (result) => {
        if (!isCovered(result)) return
        await this.options.addAuthors(documentId, authors)
        // Edits committed at or after the claim may be missing from that version: keep them open.
        if (window.lastCommitAt >= result.claimedAt) {
          const reopened = this.addToWindow(documentId, authors, result.claimedAt)
          reopened.lastCommitAt = Math.max(reopened.lastCommitAt, window.lastCommitAt)
        }
      })
      .catch((error: unknown) => this.options.onRecordFailed(error, documentId))
    this.pending.add(taken)
    void taken.finally(() => this.pending.delete(taken))
    return taken
  }
}

/**
 * How history lists a person: the token's name, else a label (never the token's subject or a share
 * key's id, which are ids, not names, and would tell readers of the history something about tokens).
 */
export function historyName({ name, userId }: UpdateAuthor): string {
  if (name) return name
  return isShareKeyUserId(userId) ? SHARE_LINK_PERSON_NAME : UNNAMED_PERSON_NAME
}

function isCovered(result: unknown): result is VersionCovered {
  return typeof result === 'object' && result !== null && (result as Partial<VersionCovered>).covered === true
}
