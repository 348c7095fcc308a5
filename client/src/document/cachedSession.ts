/**
 * The last token a share link was exchanged for, kept per document so the document opens without a
 * network (from its local copy) and connects once the server is back. The share key itself is already
 * in this browser's recent documents, so the token adds no access the browser did not have.
 */
import type { Role } from '@tandem/shared'

const KEY_PREFIX = 'tandem.session.'

export interface CachedSession {
  token: string
  role: Role
}

interface StoredSession extends CachedSession {
  /** The share key the token came from: another link of the same document gets its own exchange. */
  shareKey: string
}

/** Remembers the token `shareKey` was exchanged for. */
export function rememberSession(
  storage: Storage,
  documentId: string,
  shareKey: string,
  session: CachedSession,
): void {
  const stored: StoredSession = { shareKey, token: session.token, role: session.role }
  try {
    storage.setItem(KEY_PREFIX + documentId, JSON.stringify(stored))
  } catch {
    // Not remembered: the document then needs a network to open, as before.
  }
}

/** The token last exchanged for `shareKey` of `documentId`, or null. */
export function findSession(storage: Storage, documentId: string, shareKey: string): CachedSession | null {
  try {
    const stored = JSON.parse(
      storage.getItem(KEY_PREFIX + documentId) ?? 'null',
    ) as Partial<StoredSession> | null
    if (stored === null || stored.shareKey !== shareKey || typeof stored.token !== 'string') return null
    if (stored.role !== 'editor' && stored.role !== 'viewer') return null
    return { token: stored.token, role: stored.role }
  } catch {
    return null
  }
}

/** Forgets the document's token (its link was refused). */
export function forgetSession(storage: Storage, documentId: string): void {
  try {
    storage.removeItem(KEY_PREFIX + documentId)
  } catch {
    // Nothing to forget.
  }
}
