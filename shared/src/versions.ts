/** Version history (issue 19): the shapes of `/api/documents/:id/versions*`, shared by server and web app. */
import type { CommentsResponse } from './comments/commentsLayout'

/** `auto`: recorded when editing went quiet or ran long; `named`: someone named it (kept by retention). */
export const VERSION_KINDS = ['auto', 'named'] as const
export type VersionKind = (typeof VERSION_KINDS)[number]

/** Longest version name, in UTF-16 code units. */
export const MAX_VERSION_NAME_LENGTH = 100
/** Most editor names one version lists (further editors of its window go unnamed). */
export const MAX_VERSION_EDITORS = 50
/** Most Yjs client ids one version maps to an author (for colouring its changes). */
export const MAX_VERSION_CLIENTS = 100

/**
 * How history (and presence) names a person whose token carries no name: never by the token's
 * subject, which is an id, not a name.
 */
export const UNNAMED_PERSON_NAME = 'Guest'
/** How history names an edit made through the API with a share key (a restore, a content write). */
export const SHARE_LINK_PERSON_NAME = 'Someone with the link'

/** `[Yjs clientID, author name]`: who wrote with that client id since the previous version. */
export type VersionClient = readonly [clientId: number, author: string]

/** One version as `GET /api/documents/:id/versions` lists it (newest first). */
export interface VersionSummary {
  readonly id: string
  readonly kind: VersionKind
  /** Null for automatic versions nobody named. */
  readonly name: string | null
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  /** Size of the stored state. */
  readonly bytes: number
  /** Who edited since the previous version, in order of their first edit. */
  readonly editors: readonly string[]
  /** Which Yjs client ids those editors wrote with. */
  readonly clients: readonly VersionClient[]
}

/** `GET /api/documents/:id/versions` -> 200. */
export interface VersionListResponse {
  readonly versions: readonly VersionSummary[]
  /** Whether this caller may name, rename and restore (editors). */
  readonly canEdit: boolean
}

/** `POST /api/documents/:id/versions` and `PATCH .../versions/:versionId` body. */
export interface NameVersionRequest {
  readonly name: string
}

/** Formats of `GET /api/documents/:id/versions/:versionId?format=`; `yjs` is the state the panel diffs. */
export const VERSION_FORMATS = ['json', 'markdown', 'html', 'yjs'] as const
export type VersionFormat = (typeof VERSION_FORMATS)[number]

export function isVersionFormat(value: string): value is VersionFormat {
  return (VERSION_FORMATS as readonly string[]).includes(value)
}

/**
 * `GET /api/documents/:id/versions/:versionId?comments=1` -> 200: the comment threads as they stood
 * when the version was taken, shaped as `GET /api/documents/:id/comments` gives them, each judged
 * detached against the version's text. `recorded: false` (and no threads) for versions taken
 * before comments were recorded with them.
 */
export interface VersionCommentsResponse extends CommentsResponse {
  readonly recorded: boolean
}
