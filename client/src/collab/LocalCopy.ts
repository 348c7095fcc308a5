/**
 * The document kept in this browser (IndexedDB, through y-indexeddb): edits survive a closed tab or a
 * reload without a network, and reach the server the next time the document is open and connected.
 */
import { clearDocument, IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { createRandomId } from '../identity/randomId'
import { isCoveredBy } from './savedState'
import { clearUnwrittenUpdates, UnwrittenUpdates, type UnwrittenUpdatesPage } from './UnwrittenUpdates'

/** Custom keys stored beside the document's updates. */
const ACKED_STATE_VECTOR_KEY = 'tandem:acked-state-vector'
const PENDING_CHANGES_KEY = 'tandem:pending-changes'
/** y-indexeddb's object store of document updates. */
const UPDATES_STORE = 'updates'
/** Origin of updates an earlier page saved on its way out (`UnwrittenUpdates`): already counted. */
const UNWRITTEN_ORIGIN = Symbol('local-copy-unwritten')

/** What the stored copy held when it was loaded. */
export interface LocalCopyLoad {
  /** Changes the copy holds that the server had not confirmed when this browser last heard from it. */
  unconfirmedChanges: number
  /** The document's state vector right after loading: what an acknowledgement must cover. */
  stateVector: Uint8Array
}

export interface LocalCopy {
  /** Resolves once the stored copy is in the Y.Doc (an empty result when there was none). */
  readonly loaded: Promise<LocalCopyLoad>
  /** True for the transaction origin the copy applies stored updates with. */
  isOrigin(origin: unknown): boolean
  /** The server has stored everything in `stateVector`; `pendingChanges` are still only here. */
  rememberSaved(stateVector: Uint8Array, pendingChanges: number): void
  /** Local changes the server has not confirmed yet (shown after a reload). */
  rememberPending(pendingChanges: number): void
  /** Deletes the stored copy (access revoked); the Y.Doc in memory is untouched. */
  clear(): Promise<void>
  destroy(): void
}

/** The IndexedDB database name: one per server and document, so two servers' "notes" never mix. */
export function localCopyName(httpBase: string, room: string): string {
  return `tandem:${httpBase}:${room}`
}

/** Deletes a document's stored copy without opening it (e.g. the share link was refused). */
export function clearLocalCopy(httpBase: string, room: string): Promise<void> {
  clearUnwrittenUpdates(localCopyName(httpBase, room), defaultPage())
  return clearDocument(localCopyName(httpBase, room))
}

/**
 * Opens (creating if needed) the copy of `room` on `httpBase` and loads it into `doc`. `page` (default:
 * the window) is where updates not yet in IndexedDB are kept when the page goes away.
 */
export function openLocalCopy(
  doc: Y.Doc,
  httpBase: string,
  room: string,
  page: UnwrittenUpdatesPage | undefined = defaultPage(),
): LocalCopy {
  const name = localCopyName(httpBase, room)
  const persistence = new IndexeddbPersistence(name, doc)
  const isOrigin = (origin: unknown) => origin === persistence || origin === UNWRITTEN_ORIGIN
  const unwritten = new UnwrittenUpdates({
    doc,
    name,
    database: () => persistence.db,
    storeName: UPDATES_STORE,
    isStored: (origin) => origin === persistence,
    pageId: createRandomId(),
    page,
  })
  let destroyed = false
  const loaded = persistence.whenSynced.then(async (): Promise<LocalCopyLoad> => {
    // What a page closed too fast to write is in localStorage; it is stored again like any update.
    unwritten.restore(UNWRITTEN_ORIGIN)
    unwritten.handleLoaded()
    const stateVector = Y.encodeStateVector(doc)
    const [acked, pending] = await Promise.all([
      persistence.get(ACKED_STATE_VECTOR_KEY) as Promise<unknown>,
      persistence.get(PENDING_CHANGES_KEY) as Promise<unknown>,
    ])
    const ackedVector = acked instanceof Uint8Array ? acked : null
    // A copy with content but no acknowledgement was never confirmed; one that holds nothing, or
    // nothing beyond what the server acknowledged, needs nothing.
    const unconfirmed = Y.decodeStateVector(stateVector).size > 0 && !isCoveredBy(stateVector, ackedVector)
    const stored = typeof pending === 'number' && pending > 0 ? pending : 1
    return { unconfirmedChanges: unconfirmed ? stored : 0, stateVector }
  })
  const write = (key: string, value: unknown) => {
    if (destroyed) return
    // A failed write (quota, private mode) costs the reload's count, never the document.
    persistence.set(key, value as never).catch(() => {})
  }
  return {
    loaded,
    isOrigin,
    rememberSaved(stateVector, pendingChanges) {
      write(ACKED_STATE_VECTOR_KEY, stateVector)
      write(PENDING_CHANGES_KEY, pendingChanges)
    },
    rememberPending(pendingChanges) {
      write(PENDING_CHANGES_KEY, pendingChanges)
    },
    async clear() {
      destroyed = true
      unwritten.destroy()
      clearUnwrittenUpdates(name, page)
      await persistence.clearData()
    },
    destroy() {
      destroyed = true
      unwritten.destroy()
      void persistence.destroy()
    },
  }
}

function defaultPage(): UnwrittenUpdatesPage | undefined {
  return typeof window === 'undefined' ? undefined : window
}
