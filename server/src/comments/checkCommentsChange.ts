/**
 * Who may change what in a comments document, one changed key at a time. Authorship is the
 * socket's identity, never a field a client chose: a new thread, comment or person entry must carry
 * the sender's token subject (and, for comments, its token name), in its value and at the start of
 * its key, and only a comment's author may edit or delete it. The key rule matters on a cluster:
 * each node judges against its own mirror, so a key just written on another node looks new here,
 * and two concurrent sets of one key merge by client id; with the author in the key, two people's
 * writes never share one. Anyone who may write may resolve or reopen a thread, in their own name.
 */
import {
  authorOfCommentId,
  COMMENT_LIMITS,
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

/**
 * Why `time`, written by a change judged at `nowMs`, is refused: further ahead of the server's clock
 * than COMMENT_LIMITS allows. Any earlier time is taken: offline work arrives late, and refusing it
 * would lose it (the client cannot change what it already wrote).
 */
function checkTime(what: string, time: number | undefined, nowMs: number): string | undefined {
  if (time === undefined) return `${what} is missing`
  if (time > nowMs + COMMENT_LIMITS.maxClockAheadMs) return `${what} is in the future`
  return undefined
}

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
    if (authorOfCommentId(key) !== author.userId) return 'a new thread’s id must begin with its sender’s id'
    const timeProblem = checkTime('a new thread’s time', next.createdAt, nowMs)
    if (timeProblem !== undefined) return timeProblem
    // Opened unresolved: a resolution is a later change, judged (and timed) as one.
    if (next.resolved || next.resolvedBy !== undefined || next.resolvedAt !== undefined)
      return 'a thread is opened unresolved'
    // Decoded here, once, so no reader (this server's thread list, every client's highlights)
    // meets an anchor that throws or names another top-level type.
    if (decodeAnchorPosition(next.anchor.start) === null || decodeAnchorPosition(next.anchor.end) === null)
      return 'a thread’s anchor is not a position in the text'
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
  if (!resolutionChanged) return undefined
  if (next.resolvedBy !== author.userId) return 'a thread must be resolved or reopened in its sender’s name'
  return checkTime('a resolution’s time', next.resolvedAt, nowMs)
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
    if (authorOfCommentId(key) !== author.userId) return 'a new comment’s id must begin with its sender’s id'
    const timeProblem = checkTime('a new comment’s time', next.createdAt, nowMs)
    if (timeProblem !== undefined) return timeProblem
    if (next.editedAt !== undefined) return 'a new comment is not edited yet'
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
  if (previous.body === next.body && previous.editedAt === next.editedAt) return undefined
  // An edit moves editedAt forward, so nobody rewrites a comment while it still reads as unedited
  // (or as edited before the rewrite).
  if (next.editedAt !== undefined && next.editedAt <= (previous.editedAt ?? previous.createdAt))
    return 'an edit’s time must be later than the comment’s last change'
  return checkTime('an edit’s time', next.editedAt, nowMs)
}

function checkPerson({ key, after, deleted }: KeyChange, author: PeerIdentity): string | undefined {
  if (key !== author.userId) return 'people list and remove only themselves'
  if (deleted) return undefined
  const next: CommentPerson | undefined = readPerson(after)
  if (!next || next.name !== authorNameOf(author)) return 'people are listed under their own name'
  return undefined
}
