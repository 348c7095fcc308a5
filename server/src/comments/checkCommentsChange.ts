/**
 * Who may change what in a comments document, one changed key at a time. Authorship is the
 * socket's identity, never a field a client chose: a new thread, comment or person entry must carry
 * the sender's token subject (and, for comments, its token name), and only a comment's author may
 * edit or delete it. Anyone who may write may resolve or reopen a thread, in their own name.
 */
import {
  COMMENTS_MAP_NAME,
  type CommentPerson,
  type CommentThread,
  decodeAnchorPosition,
  PEOPLE_MAP_NAME,
  readComment,
  readPerson,
  readThread,
  THREADS_MAP_NAME,
} from '@tandem/shared'
import type { PeerIdentity } from '../rooms/Peer'

/** How far in the future a creation time may be (clocks drift; offline work is in the past). */
const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000

/** The name the server shows for `identity`: its token name, else its subject. */
export function authorNameOf(identity: PeerIdentity): string {
  return identity.name ?? identity.userId
}

/**
 * One key of one of the three maps, before and after an update (undefined: absent). `deleted` comes
 * from the Yjs event's key action, never from `after`: a client can store the value `undefined`,
 * which is a set, not a deletion, and must pass the entry's shape check like any other value.
 */
export interface KeyChange {
  readonly map: string
  readonly key: string
  readonly before: unknown
  readonly after: unknown
  readonly deleted: boolean
}

/** Why `author` may not make `change`, or undefined when they may. */
export function checkKeyChange(
  change: KeyChange,
  author: PeerIdentity,
  nowMs: number,
  threadExists: (id: string) => boolean,
): string | undefined {
  switch (change.map) {
    case THREADS_MAP_NAME:
      return checkThread(change, author, nowMs)
    case COMMENTS_MAP_NAME:
      return checkComment(change, author, nowMs, threadExists)
    case PEOPLE_MAP_NAME:
      return checkPerson(change, author)
    default:
      return `unknown map ${JSON.stringify(change.map.slice(0, 40))}`
  }
}

function checkThread(
  { key, before, after, deleted }: KeyChange,
  author: PeerIdentity,
  nowMs: number,
): string | undefined {
  if (deleted) return 'threads are never removed'
  const next = readThread(after)
  if (!next || next.id !== key) return 'a thread has the wrong shape'
  const previous: CommentThread | undefined = readThread(before)
  if (!previous) {
    if (next.authorId !== author.userId) return 'a thread must be opened by its sender'
    if (next.createdAt > nowMs + MAX_CLOCK_SKEW_MS) return 'a thread is dated in the future'
    // Decoded here, once, so no reader (this server's thread list, every client's highlights)
    // meets an anchor that throws or names another top-level type.
    if (decodeAnchorPosition(next.anchor.start) === null || decodeAnchorPosition(next.anchor.end) === null)
      return 'a thread’s anchor is not a position in the text'
    if (next.resolved && next.resolvedBy !== author.userId)
      return 'a thread must be resolved in its sender’s name'
    return undefined
  }
  if (
    previous.authorId !== next.authorId ||
    previous.createdAt !== next.createdAt ||
    previous.anchor.start !== next.anchor.start ||
    previous.anchor.end !== next.anchor.end ||
    previous.anchor.quote !== next.anchor.quote
  ) {
    return 'a thread changed its anchor, author or time'
  }
  const resolutionChanged =
    previous.resolved !== next.resolved ||
    previous.resolvedBy !== next.resolvedBy ||
    previous.resolvedAt !== next.resolvedAt
  if (resolutionChanged && next.resolvedBy !== author.userId) {
    return 'a thread must be resolved or reopened in its sender’s name'
  }
  return undefined
}

function checkComment(
  { key, before, after, deleted }: KeyChange,
  author: PeerIdentity,
  nowMs: number,
  threadExists: (id: string) => boolean,
): string | undefined {
  // An earlier value is trusted only through the shape check (a document from before this rule
  // may hold a malformed one); a malformed earlier value counts as absent.
  const previous = readComment(before)
  if (deleted) {
    return previous && previous.authorId !== author.userId
      ? 'only its author may delete a comment'
      : undefined
  }
  const next = readComment(after)
  if (!next || next.id !== key) return 'a comment has the wrong shape'
  if (!previous) {
    if (next.authorId !== author.userId || next.authorName !== authorNameOf(author)) {
      return 'a comment must be written in its sender’s name'
    }
    if (next.createdAt > nowMs + MAX_CLOCK_SKEW_MS) return 'a comment is dated in the future'
    if (!threadExists(next.threadId)) return 'a comment must belong to a thread'
    return undefined
  }
  if (previous.authorId !== author.userId) return 'only its author may change a comment'
  if (
    previous.authorId !== next.authorId ||
    previous.authorName !== next.authorName ||
    previous.threadId !== next.threadId ||
    previous.createdAt !== next.createdAt
  ) {
    return 'a comment changed its author, thread or time'
  }
  return undefined
}

function checkPerson({ key, after, deleted }: KeyChange, author: PeerIdentity): string | undefined {
  if (key !== author.userId) return 'people list and remove only themselves'
  if (deleted) return undefined
  const next: CommentPerson | undefined = readPerson(after)
  if (!next || next.name !== authorNameOf(author)) return 'people are listed under their own name'
  return undefined
}
