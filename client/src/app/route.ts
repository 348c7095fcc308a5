/** The app's routes, parsed from the URL; share keys live in the fragment so they never reach server logs. */
import { isValidRoomName } from '@tandem/shared'

export type Route =
  | { page: 'home' }
  /** `/d/<id>#key=<shareKey>`; the key may be missing (then the app looks in recent documents). */
  | { page: 'document'; documentId: string; shareKey: string | null }
  /** `/embed/<room>?token=<jwt>` (or `#token=`), for iframes: no app chrome. */
  /** `localCopy=1` keeps the document in the browser (IndexedDB); off by default for embeds. */
  | { page: 'embed'; room: string; token: string | null; readOnly: boolean; localCopy: boolean }
  | { page: 'not-found' }

/** Parses `pathname`, `search` and `hash` (as in `window.location`). */
export function parseRoute(location: { pathname: string; search: string; hash: string }): Route {
  const segments = location.pathname.split('/').filter((segment) => segment !== '')
  if (segments.length === 0) return { page: 'home' }
  const [first, second] = segments
  if (segments.length !== 2 || second === undefined) return { page: 'not-found' }
  const name = safeDecode(second)
  if (name === null || !isValidRoomName(name)) return { page: 'not-found' }
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''))
  const query = new URLSearchParams(location.search)
  if (first === 'd') {
    return { page: 'document', documentId: name, shareKey: nonEmpty(fragment.get('key')) }
  }
  if (first === 'embed') {
    const readOnly = query.get('readOnly') ?? fragment.get('readOnly')
    const localCopy = query.get('localCopy') ?? fragment.get('localCopy')
    return {
      page: 'embed',
      room: name,
      token: nonEmpty(fragment.get('token')) ?? nonEmpty(query.get('token')),
      readOnly: readOnly === '1' || readOnly === 'true',
      localCopy: localCopy === '1' || localCopy === 'true',
    }
  }
  return { page: 'not-found' }
}

/** Absolute URL for a share link path the server returned (`/d/<id>#key=...`). */
export function absoluteUrl(path: string, origin: string): string {
  return new URL(path, origin).toString()
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === '' ? null : value
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}
