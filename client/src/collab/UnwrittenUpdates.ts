/**
 * Edits the local copy has not finished writing when the page goes away. y-indexeddb writes each
 * update in its own IndexedDB transaction; a transaction still running when the page unloads is
 * aborted, so a reload (or a closed tab) within milliseconds of the last keystrokes lost them, more
 * so when IndexedDB is busy. IndexedDB cannot be waited for on the way out, but localStorage is
 * synchronous: on `pagehide` (and when the page is hidden, which may be the last event a mobile
 * browser sends), the updates IndexedDB has not confirmed are put there, and the next load of the
 * copy applies them. Once IndexedDB confirms them, the entry is removed again.
 */
import * as Y from 'yjs'

/** localStorage keys: this prefix, the copy's database name, and the id of the page that wrote it. */
const KEY_PREFIX = 'tandem:unwritten:'

/** What the guard needs of the page: its lifecycle events and a synchronous store. */
export interface UnwrittenUpdatesPage {
  addEventListener(type: 'pagehide' | 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'pagehide' | 'visibilitychange', listener: () => void): void
  readonly document: { readonly visibilityState: string }
  readonly localStorage: Storage
}

export interface UnwrittenUpdatesOptions {
  doc: Y.Doc
  /** The copy's IndexedDB database name. */
  name: string
  /** The copy's open database once there is one; updates before that are written by the load. */
  database: () => IDBDatabase | null
  /** The store y-indexeddb writes updates to. */
  storeName: string
  /** Origins whose updates are already stored (the copy loading itself). */
  isStored: (origin: unknown) => boolean
  /** This page's id among tabs holding the same copy. */
  pageId: string
  page?: UnwrittenUpdatesPage | undefined
}

/** Forgets what pages of copy `name` saved on their way out (the copy itself is being deleted). */
export function clearUnwrittenUpdates(name: string, page: UnwrittenUpdatesPage | undefined): void {
  const storage = storageOf(page)
  if (storage === null) return
  for (const key of keysOf(storage, name)) storage.removeItem(key)
}

export class UnwrittenUpdates {
  /** Updates seen (sequence numbers) and the last one IndexedDB confirmed. */
  private seen = 0
  private confirmed = 0
  /** The document's state when the last confirmed update was seen; null: nothing confirmed yet. */
  private confirmedState: Uint8Array | null = null
  private savedOnTheWayOut = false
  private readonly page: UnwrittenUpdatesPage | undefined
  private readonly key: string
  private readonly handleUpdate = (_update: Uint8Array, origin: unknown) => {
    if (this.options.isStored(origin)) return
    this.seen++
    this.confirmWhenWritten()
  }
  private readonly handlePageHide = () => this.saveUnconfirmed()
  private readonly handleVisibilityChange = () => {
    if (this.page?.document.visibilityState === 'hidden') this.saveUnconfirmed()
  }

  constructor(private readonly options: UnwrittenUpdatesOptions) {
    this.page = options.page
    this.key = `${KEY_PREFIX}${options.name}:${options.pageId}`
    // Registered after y-indexeddb's own listener, so its write is queued before the check below.
    options.doc.on('update', this.handleUpdate)
    this.page?.addEventListener('pagehide', this.handlePageHide)
    this.page?.addEventListener('visibilitychange', this.handleVisibilityChange)
  }

  /** True while some local update may still be lost by an unload (IndexedDB has not confirmed it). */
  get pending(): boolean {
    return this.confirmed < this.seen
  }

  /**
   * Applies what earlier pages of this copy saved on their way out (call once the copy is loaded),
   * and removes it: from here on it is this page's own unconfirmed update.
   */
  restore(origin: unknown): void {
    const storage = storageOf(this.page)
    if (storage === null) return
    for (const key of keysOf(storage, this.options.name)) {
      const value = storage.getItem(key)
      storage.removeItem(key)
      if (value === null) continue
      try {
        Y.applyUpdate(this.options.doc, fromBase64(value), origin)
      } catch (error) {
        console.error('tandem: could not apply edits saved while the page closed', error)
      }
    }
  }

  /** The copy finished loading: everything in the document so far was written by the load. */
  handleLoaded(): void {
    this.seen++
    this.confirmWhenWritten()
  }

  destroy(): void {
    this.options.doc.off('update', this.handleUpdate)
    this.page?.removeEventListener('pagehide', this.handlePageHide)
    this.page?.removeEventListener('visibilitychange', this.handleVisibilityChange)
  }

  /**
   * A readonly transaction on the store starts only after every earlier read-write one on it has
   * finished (IndexedDB orders overlapping transactions), so its completion confirms them all.
   */
  private confirmWhenWritten(): void {
    const database = this.options.database()
    if (database === null) return
    const sequence = this.seen
    const state = Y.encodeStateVector(this.options.doc)
    let transaction: IDBTransaction
    try {
      transaction = database.transaction(this.options.storeName, 'readonly')
      transaction.objectStore(this.options.storeName).count()
    } catch {
      return // Closing (destroyed, cleared): nothing more will be written.
    }
    transaction.oncomplete = () => {
      if (sequence <= this.confirmed) return
      this.confirmed = sequence
      this.confirmedState = state
      if (!this.pending && this.savedOnTheWayOut) {
        this.savedOnTheWayOut = false
        storageOf(this.page)?.removeItem(this.key)
      }
    }
  }

  private saveUnconfirmed(): void {
    if (!this.pending) return
    const storage = storageOf(this.page)
    if (storage === null) return
    // Only what IndexedDB may lack: the updates after the confirmed state (and the delete set).
    const update = Y.encodeStateAsUpdate(this.options.doc, this.confirmedState ?? undefined)
    try {
      storage.setItem(this.key, toBase64(update))
      this.savedOnTheWayOut = true
    } catch (error) {
      // Quota or a storage-less frame: as before, the unconfirmed writes may still make it.
      console.error('tandem: could not keep unwritten edits while the page closed', error)
    }
  }
}

function storageOf(page: UnwrittenUpdatesPage | undefined): Storage | null {
  try {
    return page?.localStorage ?? null
  } catch {
    return null // Sandboxed frames throw on access.
  }
}

function keysOf(storage: Storage, name: string): string[] {
  const prefix = `${KEY_PREFIX}${name}:`
  const keys: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key?.startsWith(prefix)) keys.push(key)
  }
  return keys
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}
