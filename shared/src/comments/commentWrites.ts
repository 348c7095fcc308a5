/**
 * The writes a person makes to a comments Y.Doc, one transaction each (one update to the server, one
 * undoable step). The author fields are the caller's token subject and name: the server refuses any
 * other (server/src/comments/checkCommentsChange.ts).
 */
import * as Y from 'yjs'
import { LEXICAL_ROOT_NAME } from '../docLayout'
import {
  COMMENT_ID_SEPARATOR,
  COMMENTS_MAP_NAME,
  type CommentAnchor,
  type CommentEntry,
  type CommentThread,
  PEOPLE_MAP_NAME,
  readComment,
  readThread,
  THREADS_MAP_NAME,
} from './commentsLayout'

export interface CommentAuthor {
  readonly id: string
  readonly name: string
}

export function threadsOf(doc: Y.Doc): Y.Map<CommentThread> {
  return doc.getMap<CommentThread>(THREADS_MAP_NAME)
}

export function commentsOf(doc: Y.Doc): Y.Map<CommentEntry> {
  return doc.getMap<CommentEntry>(COMMENTS_MAP_NAME)
}

export function peopleOf(doc: Y.Doc): Y.Map<{ name: string }> {
  return doc.getMap<{ name: string }>(PEOPLE_MAP_NAME)
}

/**
 * A new id for a thread or comment of `authorId`: the author's id, then 16 random URL-safe
 * characters. The server takes a new key only from its author, so nobody can write (or, on another
 * node at the same moment, overwrite) someone else's entry.
 */
export function newCommentId(authorId: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  const random = btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
  return `${authorId}${COMMENT_ID_SEPARATOR}${random}`
}

/** Opens a thread on `anchor` with its first comment; returns the thread's id. */
export function openThread(
  doc: Y.Doc,
  author: CommentAuthor,
  anchor: CommentAnchor,
  body: string,
  now = Date.now(),
): string {
  const threadId = newCommentId(author.id)
  doc.transact(() => {
    threadsOf(doc).set(threadId, {
      id: threadId,
      anchor,
      authorId: author.id,
      createdAt: now,
      resolved: false,
    })
    addComment(doc, author, threadId, body, now)
  })
  return threadId
}

/** Adds a comment (a reply) to a thread; returns its id. */
export function addComment(
  doc: Y.Doc,
  author: CommentAuthor,
  threadId: string,
  body: string,
  now = Date.now(),
): string {
  const id = newCommentId(author.id)
  commentsOf(doc).set(id, {
    id,
    threadId,
    authorId: author.id,
    authorName: author.name,
    body,
    createdAt: now,
  })
  return id
}

/**
 * Replaces the body of one's own comment. Its edit time is later than its last change even when
 * this clock is behind the one that wrote it (the server refuses an edit that does not move it).
 */
export function editComment(doc: Y.Doc, commentId: string, body: string, now = Date.now()): void {
  const comment = readComment(commentsOf(doc).get(commentId))
  if (!comment) return
  const editedAt = Math.max(now, (comment.editedAt ?? comment.createdAt) + 1)
  commentsOf(doc).set(commentId, { ...comment, body, editedAt })
}

/** Deletes one's own comment. */
export function deleteComment(doc: Y.Doc, commentId: string): void {
  commentsOf(doc).delete(commentId)
}

/** Resolves or reopens a thread in `author`'s name. */
export function setResolved(
  doc: Y.Doc,
  author: CommentAuthor,
  threadId: string,
  resolved: boolean,
  now = Date.now(),
): void {
  const thread = readThread(threadsOf(doc).get(threadId))
  if (thread) threadsOf(doc).set(threadId, { ...thread, resolved, resolvedBy: author.id, resolvedAt: now })
}

/** Lists `author` among the people of the document (mention candidates), once per name. */
export function notePerson(doc: Y.Doc, author: CommentAuthor, maxPeople: number): void {
  const people = peopleOf(doc)
  if (people.get(author.id)?.name === author.name) return
  if (!people.has(author.id) && people.size >= maxPeople) return
  people.set(author.id, { name: author.name })
}

/** A Yjs relative position as stored in an anchor. */
export function encodeAnchorPosition(position: Y.RelativePosition): string {
  const bytes = Y.encodeRelativePosition(position)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * An anchor position back, or null when it is unreadable or points nowhere in the text: a position
 * must name an item or a nested type (by id), or the Lexical root. Any other top-level name would
 * make Yjs create that type in every document that resolves it, and a position naming nothing makes
 * Y.createAbsolutePositionFromRelativePosition throw (a highlight pass would stop for everyone).
 */
export function decodeAnchorPosition(encoded: string): Y.RelativePosition | null {
  let position: Y.RelativePosition
  try {
    const binary = atob(encoded)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    position = Y.decodeRelativePosition(bytes)
  } catch {
    return null
  }
  if (position.tname !== null) return position.tname === LEXICAL_ROOT_NAME ? position : null
  return position.item !== null || position.type !== null ? position : null
}
