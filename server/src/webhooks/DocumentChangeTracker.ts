/**
 * Turns committed batches into at most one "document changed" per document per window: the first
 * commit of a document opens a window of `debounceMs`, later ones add their authors, and when it
 * ends the change is announced once with everyone who edited. Listens on the commit queue, so it
 * sees only what this node committed: each change is announced by the node that stored it. When
 * another node announced the document within the window, the change is postponed (`postpone`), so a
 * cluster still sends at most one per window and loses no name.
 */
import type { CommitListener } from '../persistence/CommitQueue'
import { MAX_EDITORS_PER_EVENT } from './webhookEvents'

/** Documents with an open window at once; a new one past this closes the oldest window early. */
export const MAX_OPEN_WINDOWS = 10_000

/** One window's outcome. */
export interface DocumentChange {
  readonly documentId: string
  /** Distinct authors in order of their first edit of the window, at most MAX_EDITORS_PER_EVENT. */
  readonly editors: readonly string[]
  /** The window's last commit, ms since the epoch. */
  readonly lastChangedAt: number
}

interface Window {
  readonly editors: Set<string>
  lastChangedAt: number
  readonly timer: NodeJS.Timeout
}

export class DocumentChangeTracker {
  /** In the order windows opened (Map order), so the oldest is first. */
  private readonly windows = new Map<string, Window>()

  constructor(
    private readonly debounceMs: number,
    private readonly announce: (change: DocumentChange) => void,
  ) {}

  /** The commit queue listener: notes the room and author of every committed update. */
  readonly onCommitted: CommitListener = (entries) => {
    const now = Date.now()
    // Webhooks name an editor by the token's name, else its subject (the host knows its own ids).
    for (const { room, author } of entries) this.note(room, author && (author.name || author.userId), now)
  }

  /**
   * Takes back a change whose announcement another node's beat: its editors join the document's
   * window (opened now if none is), which ends no earlier than `untilMs`.
   */
  postpone(change: DocumentChange, untilMs: number): void {
    const window = this.windows.get(change.documentId) ?? this.open(change.documentId, untilMs - Date.now())
    window.lastChangedAt = Math.max(window.lastChangedAt, change.lastChangedAt)
    for (const editor of change.editors) {
      if (window.editors.size < MAX_EDITORS_PER_EVENT) window.editors.add(editor)
    }
  }

  /** Ends every open window now (shutdown): nothing noted is left unannounced. */
  closeAll(): void {
    for (const documentId of [...this.windows.keys()]) this.closeWindow(documentId)
  }

  private note(documentId: string, author: string | undefined, now: number): void {
    const window = this.windows.get(documentId) ?? this.open(documentId, this.debounceMs)
    window.lastChangedAt = now
    if (author !== undefined && window.editors.size < MAX_EDITORS_PER_EVENT) window.editors.add(author)
  }

  private open(documentId: string, durationMs: number): Window {
    if (this.windows.size >= MAX_OPEN_WINDOWS) {
      const oldest = this.windows.keys().next().value
      if (oldest !== undefined) this.closeWindow(oldest)
    }
    const timer = setTimeout(() => this.closeWindow(documentId), Math.max(0, durationMs))
    timer.unref()
    const window: Window = { editors: new Set(), lastChangedAt: 0, timer }
    this.windows.set(documentId, window)
    return window
  }

  private closeWindow(documentId: string): void {
    const window = this.windows.get(documentId)
    if (window === undefined) return
    clearTimeout(window.timer)
    this.windows.delete(documentId)
    this.announce({ documentId, editors: [...window.editors], lastChangedAt: window.lastChangedAt })
  }
}
