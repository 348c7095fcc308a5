/**
 * Reads a comments Y.Doc into plain maps: what fits the layout in shared/comments is kept, the rest
 * is skipped and counted. A document may hold entries from before a rule existed (or written by an
 * older server); reading it must never fail because of them.
 */
import {
  COMMENTS_DOC_TYPES,
  COMMENTS_MAP_NAME,
  type CommentEntry,
  type CommentPerson,
  type CommentThread,
  MAX_AUTHOR_ID_LENGTH,
  PEOPLE_MAP_NAME,
  readComment,
  readPerson,
  readThread,
  THREADS_MAP_NAME,
} from '@tandem/shared'
import * as Y from 'yjs'

export interface CommentsState {
  readonly threads: ReadonlyMap<string, CommentThread>
  readonly comments: ReadonlyMap<string, CommentEntry>
  readonly people: ReadonlyMap<string, CommentPerson>
  /**
   * What was left out: entries of the wrong shape (or under a key that is not their id), nested
   * Yjs types, each top-level type other than the three maps, each map holding list content.
   */
  readonly skipped: number
}

/** The threads, comments and people `doc` holds, and how many entries were unreadable. */
export function readCommentsState(doc: Y.Doc): CommentsState {
  let skipped = 0
  for (const name of doc.share.keys()) {
    if (!(COMMENTS_DOC_TYPES as readonly string[]).includes(name)) skipped++
  }
  const threads = new Map<string, CommentThread>()
  const comments = new Map<string, CommentEntry>()
  const people = new Map<string, CommentPerson>()
  skipped += readMap(doc, THREADS_MAP_NAME, (key, value) => {
    const thread = readThread(value)
    if (!thread || thread.id !== key) return false
    threads.set(key, thread)
    return true
  })
  skipped += readMap(doc, COMMENTS_MAP_NAME, (key, value) => {
    const comment = readComment(value)
    if (!comment || comment.id !== key) return false
    comments.set(key, comment)
    return true
  })
  skipped += readMap(doc, PEOPLE_MAP_NAME, (key, value) => {
    const person = readPerson(value)
    if (!person || key.length > MAX_AUTHOR_ID_LENGTH) return false
    people.set(key, person)
    return true
  })
  return { threads, comments, people, skipped }
}

/** Feeds each entry of the map `name` to `take` (false: unreadable); returns how many were skipped. */
function readMap(doc: Y.Doc, name: string, take: (key: string, value: unknown) => boolean): number {
  if (!doc.share.has(name)) return 0
  // A top-level type is typed by whoever reads it first: one stored as another kind is not a map.
  const type = doc.share.get(name)
  if (!(type instanceof Y.Map) && type?.constructor !== Y.AbstractType) return 1
  const map = doc.getMap<unknown>(name)
  // Items written as list content of the map's root are invisible to the map but still stored.
  let skipped = map._start !== null ? 1 : 0
  for (const [key, value] of map.entries()) {
    if (value instanceof Y.AbstractType || !take(key, value)) skipped++
  }
  return skipped
}
