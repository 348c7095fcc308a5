/** Shapes of the HTTP API (`/api/*`) shared by the server and the web app. */
import type { Role } from './token'

/** Every API error body has this one shape. */
export interface ApiErrorBody {
  error: { code: string; message: string }
}

/** Machine codes of `ApiErrorBody.error.code`; the message beside it is for people. */
export const API_ERROR_CODES = {
  BAD_REQUEST: 'bad_request',
  INVALID_JSON: 'invalid_json',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  /** The document was deleted; a token minted without a share key cannot reopen it (410). */
  GONE: 'gone',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  /** The content API's bounds (`ContentLimitError`) or the document-size limit refused a write or render. */
  CONTENT_TOO_LARGE: 'content_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  /** An upload whose bytes are not a PNG, JPEG, GIF or WebP image (415). */
  UNSUPPORTED_IMAGE_TYPE: 'unsupported_image_type',
  /** The document holds as many uploads, or upload bytes, as it may (413). */
  UPLOAD_QUOTA_EXCEEDED: 'upload_quota_exceeded',
  /** The document holds as many named versions, or version bytes, as it may (413). */
  VERSION_QUOTA_EXCEEDED: 'version_quota_exceeded',
  /** A restore failed on the version's content (a tree the editor never wrote); nothing changed (422). */
  VERSION_NOT_RESTORABLE: 'version_not_restorable',
  RATE_LIMITED: 'rate_limited',
  /** The upgrade probe: the token is accepted; connect with a WebSocket upgrade. */
  UPGRADE_REQUIRED: 'upgrade_required',
  INTERNAL_ERROR: 'internal_error',
  SERVICE_UNAVAILABLE: 'service_unavailable',
} as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[keyof typeof API_ERROR_CODES]

/** `Authorization: ShareKey <key>` authorizes document and key management with a share key. */
export const SHARE_KEY_AUTH_SCHEME = 'ShareKey'

/** The user id of a server-side edit made with a share key (no person, no token): `share-key:<key id>`. */
export function shareKeyUserId(keyId: string): string {
  return `share-key:${keyId}`
}

export function isShareKeyUserId(userId: string): boolean {
  return userId.startsWith('share-key:')
}

/** Longest document title, in UTF-16 code units. */
export const MAX_TITLE_LENGTH = 200
/** Longest display name exchanged for a token, in UTF-16 code units. */
export const MAX_DISPLAY_NAME_LENGTH = 100

/** Path prefix of the web app's document page. */
export const DOCUMENT_PATH_PREFIX = '/d/'

/**
 * The web app path that opens `documentId` with `shareKey`: `/d/<id>#key=<key>`. The key rides in the
 * fragment, which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
export function shareLinkPath(documentId: string, shareKey: string): string {
  return `${DOCUMENT_PATH_PREFIX}${encodeURIComponent(documentId)}#key=${encodeURIComponent(shareKey)}`
}

export interface ShareLink {
  keyId: string
  role: Role
  /** Path of the app page that opens the document with this key, e.g. `/d/<id>#key=<shareKey>`. */
  url: string
  /** Milliseconds since the epoch. */
  createdAt: number
  /** Display name of whoever created the link; null when unknown. */
  createdBy: string | null
}

/** One current link in `GET /api/documents/:id/keys`. */
export interface ShareLinkInfo extends Omit<ShareLink, 'url'> {
  /**
   * As in ShareLink; null when the server cannot show the link again (made before links could be
   * listed, or under another `TANDEM_SECRET`). Such a link still works until revoked.
   */
  url: string | null
}

/** `GET /api/documents/:id/keys` response: the document's current (not revoked) links, oldest first. */
export interface ShareLinkListResponse {
  links: ShareLinkInfo[]
}

/** `POST /api/documents` request body (optional). */
export interface CreateDocumentRequest {
  title?: string
  /** Initial content, in `format` (`markdown` or `html`); see WriteContentRequest for its bounds. */
  content?: string
  format?: 'markdown' | 'html'
  /** Creator's display name, recorded on the two initial links (1-100 characters). */
  name?: string
}

/** `POST /api/documents` response. */
export interface CreateDocumentResponse {
  id: string
  title: string
  editLink: ShareLink
  viewLink: ShareLink
}

/** `GET /api/documents/:id` response. */
export interface DocumentInfoResponse {
  id: string
  title: string
  /** Milliseconds since the epoch. */
  createdAt: number
  /** Role of the credential that asked. */
  role: Role
}

/** `POST /api/documents/:id/keys` request body; the response is a `ShareLink`. */
export interface CreateShareKeyRequest {
  role: Role
  /** Creator's display name, shown beside the link (1-100 characters); an admin token's `name` claim otherwise. */
  name?: string
}

/** `POST /api/token` request body. */
export interface TokenRequest {
  documentId: string
  shareKey: string
  name: string
  /**
   * This browser's own random secret (22-128 of `A-Z a-z 0-9 _ -`): the same secret gets the same
   * `sub` for the document on every exchange, so its author keeps their comments. Optional.
   */
  deviceSecret?: string
}

/** `POST /api/token` response. */
export interface TokenResponse {
  token: string
  role: Role
  /** Seconds since the epoch. */
  expiresAt: number
}

/** Largest page of `GET /api/documents` (`?limit=`); also its default. */
export const MAX_DOCUMENT_PAGE_SIZE = 100

/** One document in `GET /api/documents`. */
export interface DocumentSummary {
  id: string
  title: string
  /** Milliseconds since the epoch. */
  createdAt: number
  /**
   * Milliseconds since the epoch of the last recorded edit (recorded once per `WEBHOOK_DEBOUNCE_MS`
   * of editing, whether or not webhooks are configured); null when never edited since creation.
   */
  changedAt: number | null
  /** Stored bytes: the compacted snapshot plus the update log since. */
  sizeBytes: number
}

/** `GET /api/documents` response, ordered by id. */
export interface DocumentListResponse {
  documents: DocumentSummary[]
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null
}
