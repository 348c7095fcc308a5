/**
 * Comment threads: the companion room that holds them, their Yjs layout, their shapes and limits.
 * The server checks every write against these (server/src/comments); the client writes them.
 * docs/architecture.md ("Comments") says why threads live in a room of their own.
 */

/**
 * Suffix of a document's comments room: `/ws/<room>/comments`, internal room name `<room>/comments`.
 * `/` is not allowed in room names, so no document's own room can ever be mistaken for one.
 */
export const COMMENTS_ROOM_SUFFIX = '/comments'

/** The comments room of the document `room`. */
export function commentsRoomName(room: string): string {
  return `${room}${COMMENTS_ROOM_SUFFIX}`
}

/** The document a comments room belongs to, or undefined when `name` is not a comments room name. */
export function documentOfCommentsRoom(name: string): string | undefined {
  return name.endsWith(COMMENTS_ROOM_SUFFIX) ? name.slice(0, -COMMENTS_ROOM_SUFFIX.length) : undefined
}

/** Top-level Y.Map of threads, keyed by thread id; values are plain JSON `CommentThread`s. */
export const THREADS_MAP_NAME = 'threads'
/** Top-level Y.Map of comments (a thread's first comment and its replies), keyed by comment id. */
export const COMMENTS_MAP_NAME = 'comments'
/** Top-level Y.Map of people who have been in the document (mention candidates), keyed by user id. */
export const PEOPLE_MAP_NAME = 'people'
/** The only top-level types a comments document may hold. */
export const COMMENTS_DOC_TYPES = [THREADS_MAP_NAME, COMMENTS_MAP_NAME, PEOPLE_MAP_NAME] as const

/** Bounds the server enforces on every comments document (an update past one is refused). */
export const COMMENT_LIMITS = {
  /** Threads in one document. */
  maxThreads: 1_000,
  /** Comments (first ones and replies) in one document. */
  maxComments: 5_000,
  /** Comments in one thread. */
  maxCommentsPerThread: 200,
  /** People in the mention list; past it newcomers are not listed (nothing is refused). */
  maxPeople: 2_000,
  /** Characters of one comment's body. */
  maxBodyLength: 4_000,
  /** Characters of the quoted text kept with an anchor (longer selections are cut, with an ellipsis). */
  maxQuoteLength: 500,
  /** Characters of one encoded relative position. */
  maxAnchorLength: 400,
  /** Characters of the random part of ids (threads, comments); the author's id comes before it. */
  maxIdLength: 64,
  /** Encoded size of the whole comments document. */
  maxDocumentBytes: 2 * 1024 * 1024,
  /**
   * How far ahead of the server's clock a time written with a change (`createdAt`, `editedAt`,
   * `resolvedAt`) may be. Generous: a browser's clock may be minutes or, with a wrong time zone,
   * hours fast, and a refused change would be lost. There is no limit behind: work done offline
   * keeps the time it was written, however late it arrives; a thread's opener still comes first
   * (compareThreadComments).
   */
  maxClockAheadMs: 24 * 60 * 60 * 1000,
} as const

/**
 * Where a thread points: two Yjs relative positions (`Y.encodeRelativePosition`, base64) in the
 * document's text, and the text they held when the thread was created.
 */
export interface CommentAnchor {
  readonly start: string
  readonly end: string
  readonly quote: string
}

export interface CommentThread {
  readonly id: string
  readonly anchor: CommentAnchor
  /** Token subject of who opened it (checked by the server against the socket's identity). */
  readonly authorId: string
  readonly createdAt: number
  readonly resolved: boolean
  /** Who last resolved or reopened it, and when. */
  readonly resolvedBy?: string
  readonly resolvedAt?: number
}

export interface CommentEntry {
  readonly id: string
  readonly threadId: string
  /** Token subject of the author; only they may edit or delete it. */
  readonly authorId: string
  /** The author's display name as their token carried it. */
  readonly authorName: string
  readonly body: string
  readonly createdAt: number
  readonly editedAt?: number
}

export interface CommentPerson {
  readonly name: string
}

/** Characters of an author id (a token subject) kept in comment data. */
export const MAX_AUTHOR_ID_LENGTH = 256

/** Between the author's id and the random part of a thread or comment id. */
export const COMMENT_ID_SEPARATOR = ':'

/** The random part of an id; alone, it is a legacy id (written before ids carried their author). */
const RANDOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/**
 * A thread or comment id: `<authorId>:<random>`, so two authors can never write the same key (the
 * server refuses a new key that does not begin with its sender's id). Ids without the author
 * (`<random>` alone) were written before that rule: they stay readable, and editable as before,
 * but no new entry may take one.
 */
export function isCommentId(value: unknown): value is string {
  if (typeof value !== 'string') return false
  if (RANDOM_ID_PATTERN.test(value)) return true
  const at = value.lastIndexOf(COMMENT_ID_SEPARATOR)
  return at > 0 && at <= MAX_AUTHOR_ID_LENGTH && RANDOM_ID_PATTERN.test(value.slice(at + 1))
}

/** The author id an id begins with, or undefined for a legacy id (or no id at all). */
export function authorOfCommentId(id: string): string | undefined {
  if (!isCommentId(id)) return undefined
  const at = id.lastIndexOf(COMMENT_ID_SEPARATOR)
  return at > 0 ? id.slice(0, at) : undefined
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasOnlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key))
}

/** `value` as a thread, or undefined when it has the wrong shape or breaks a limit. */
export function readThread(value: unknown): CommentThread | undefined {
  if (!isRecord(value)) return undefined
  if (
    !hasOnlyKeys(value, ['id', 'anchor', 'authorId', 'createdAt', 'resolved', 'resolvedBy', 'resolvedAt'])
  ) {
    return undefined
  }
  const { id, anchor, authorId, createdAt, resolved, resolvedBy, resolvedAt } = value
  if (!isCommentId(id) || !isBoundedString(authorId, MAX_AUTHOR_ID_LENGTH) || !isTime(createdAt))
    return undefined
  if (typeof resolved !== 'boolean') return undefined
  if (resolvedBy !== undefined && !isBoundedString(resolvedBy, MAX_AUTHOR_ID_LENGTH)) return undefined
  if (resolvedAt !== undefined && !isTime(resolvedAt)) return undefined
  if (!isRecord(anchor) || !hasOnlyKeys(anchor, ['start', 'end', 'quote'])) return undefined
  const { start, end, quote } = anchor
  if (!isBoundedString(start, COMMENT_LIMITS.maxAnchorLength)) return undefined
  if (!isBoundedString(end, COMMENT_LIMITS.maxAnchorLength)) return undefined
  if (!isBoundedString(quote, COMMENT_LIMITS.maxQuoteLength + 1)) return undefined
  return value as unknown as CommentThread
}

/** `value` as a comment, or undefined when it has the wrong shape or breaks a limit. */
export function readComment(value: unknown): CommentEntry | undefined {
  if (!isRecord(value)) return undefined
  if (!hasOnlyKeys(value, ['id', 'threadId', 'authorId', 'authorName', 'body', 'createdAt', 'editedAt'])) {
    return undefined
  }
  const { id, threadId, authorId, authorName, body, createdAt, editedAt } = value
  if (!isCommentId(id) || !isCommentId(threadId)) return undefined
  if (!isBoundedString(authorId, MAX_AUTHOR_ID_LENGTH) || !isBoundedString(authorName, 256)) return undefined
  if (typeof body !== 'string' || body.trim() === '' || body.length > COMMENT_LIMITS.maxBodyLength) {
    return undefined
  }
  if (!isTime(createdAt) || (editedAt !== undefined && !isTime(editedAt))) return undefined
  return value as unknown as CommentEntry
}

/** `value` as a person entry, or undefined. */
export function readPerson(value: unknown): CommentPerson | undefined {
  if (!isRecord(value) || !hasOnlyKeys(value, ['name'])) return undefined
  return isBoundedString(value.name, 256) ? (value as unknown as CommentPerson) : undefined
}

/** The quote kept for a selection: at most maxQuoteLength characters, an ellipsis when cut. */
export function quoteOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= COMMENT_LIMITS.maxQuoteLength
    ? flat
    : `${flat.slice(0, COMMENT_LIMITS.maxQuoteLength)}…`
}

/** A thread as `GET /api/documents/:id/comments` returns it. */
export interface CommentThreadView {
  readonly id: string
  /** The text the thread was opened on. */
  readonly quote: string
  /** The anchored text was deleted entirely: the thread stays, shown with its quote. */
  readonly detached: boolean
  readonly authorId: string
  readonly createdAt: number
  readonly resolved: boolean
  readonly resolvedBy?: string
  readonly resolvedAt?: number
  /** Oldest first; the first is the comment that opened the thread (unless its author deleted it). */
  readonly comments: readonly CommentView[]
}

/**
 * A comment as the API and webhooks give it: the stored entry, and whether its author's name is
 * vouched for (describeCommentAuthor): a share-link guest's name is what they typed, so it is
 * labelled with a tag from their id (`Ann (guest · 3f2a)`); show `authorLabel` to people.
 */
export interface CommentView extends CommentEntry {
  readonly authorVerified: boolean
  readonly authorLabel: string
}

/** `GET /api/documents/:id/comments` response: every thread, oldest first. */
export interface CommentsResponse {
  readonly threads: readonly CommentThreadView[]
  /**
   * Entries left out because they do not fit the layout (stored before a rule existed, or by an
   * older server): 0 for a healthy document.
   */
  readonly skipped: number
}
