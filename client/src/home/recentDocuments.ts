/** Documents this browser opened recently, with their titles and share links, kept in localStorage. */
import type { Role } from '@tandem/shared'

const STORAGE_KEY = 'tandem.recentDocuments'
/** How many documents the home page remembers. */
export const MAX_RECENT_DOCUMENTS = 20

export interface RecentDocument {
  id: string
  title: string
  /** App-relative share links (`/d/<id>#key=...`) this browser knows, by role. */
  links: Partial<Record<Role, string>>
  /** Milliseconds since the epoch. */
  openedAt: number
}

/** Reads the list, newest first; ignores malformed entries rather than failing the home page. */
export function readRecentDocuments(storage: Storage): RecentDocument[] {
  let raw: string | null
  try {
    raw = storage.getItem(STORAGE_KEY)
  } catch {
    return []
  }
  if (raw === null) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed.filter(isRecentDocument).sort((a, b) => b.openedAt - a.openedAt)
}

/** The entry for one document, if this browser has opened it. */
export function findRecentDocument(storage: Storage, id: string): RecentDocument | undefined {
  return readRecentDocuments(storage).find((entry) => entry.id === id)
}

/**
 * Records a visit: merges `update` into the existing entry (links accumulate), moves it to the front
 * and drops the oldest entries beyond MAX_RECENT_DOCUMENTS. Returns the new list.
 */
export function rememberDocument(
  storage: Storage,
  update: { id: string; title?: string; links?: Partial<Record<Role, string>>; openedAt: number },
): RecentDocument[] {
  const list = readRecentDocuments(storage)
  const existing = list.find((entry) => entry.id === update.id)
  const entry: RecentDocument = {
    id: update.id,
    title: update.title ?? existing?.title ?? '',
    links: { ...existing?.links, ...update.links },
    openedAt: update.openedAt,
  }
  const next = [entry, ...list.filter((item) => item.id !== update.id)].slice(0, MAX_RECENT_DOCUMENTS)
  write(storage, next)
  return next
}

/** Updates the stored title without moving the entry (titles change while a document is open). */
export function updateRecentTitle(storage: Storage, id: string, title: string): void {
  const list = readRecentDocuments(storage)
  const entry = list.find((item) => item.id === id)
  if (entry === undefined || entry.title === title) return
  entry.title = title
  write(storage, list)
}

/** Removes one document from the list (e.g. its link was revoked). */
export function forgetDocument(storage: Storage, id: string): void {
  write(
    storage,
    readRecentDocuments(storage).filter((entry) => entry.id !== id),
  )
}

function write(storage: Storage, list: RecentDocument[]): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(list))
  } catch {
    // Storage full or unavailable: the list is a convenience, the document itself is on the server.
  }
}

function isRecentDocument(value: unknown): value is RecentDocument {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  return (
    typeof entry.id === 'string' &&
    typeof entry.title === 'string' &&
    typeof entry.openedAt === 'number' &&
    typeof entry.links === 'object' &&
    entry.links !== null
  )
}
