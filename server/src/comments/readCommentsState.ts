/** Reads a comments Y.Doc into plain maps, refusing anything but the layout in shared/comments. */
import {
  COMMENTS_DOC_TYPES,
  COMMENTS_MAP_NAME,
  type CommentEntry,
  type CommentPerson,
  type CommentThread,
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
}

export type CommentsRead =
  | { readonly ok: true; readonly state: CommentsState }
  | { readonly ok: false; readonly problem: string }

/**
 * The threads, comments and people `doc` holds, or the first thing wrong with it: a top-level type
 * other than the three maps, list content in them, a nested Yjs type, a value of the wrong shape,
 * or a key that is not its value's id.
 */
export function readCommentsState(doc: Y.Doc): CommentsRead {
  for (const name of doc.share.keys()) {
    if (!(COMMENTS_DOC_TYPES as readonly string[]).includes(name)) {
      return { ok: false, problem: `unknown top-level type ${JSON.stringify(name.slice(0, 40))}` }
    }
  }
  const threads = new Map<string, CommentThread>()
  const comments = new Map<string, CommentEntry>()
  const people = new Map<string, CommentPerson>()
  const problem =
    readMap(doc, THREADS_MAP_NAME, (key, value) => {
      const thread = readThread(value)
      if (!thread || thread.id !== key) return 'a thread has the wrong shape'
      threads.set(key, thread)
    }) ??
    readMap(doc, COMMENTS_MAP_NAME, (key, value) => {
      const comment = readComment(value)
      if (!comment || comment.id !== key) return 'a comment has the wrong shape'
      comments.set(key, comment)
    }) ??
    readMap(doc, PEOPLE_MAP_NAME, (key, value) => {
      const person = readPerson(value)
      if (!person || key.length > 256) return 'a person entry has the wrong shape'
      people.set(key, person)
    })
  return problem === undefined ? { ok: true, state: { threads, comments, people } } : { ok: false, problem }
}

function readMap(
  doc: Y.Doc,
  name: string,
  take: (key: string, value: unknown) => string | undefined,
): string | undefined {
  if (!doc.share.has(name)) return undefined
  const map = doc.getMap<unknown>(name)
  // Items written as list content of the map's root would be invisible to the map but still stored.
  if (map._start !== null) return `${name} holds list content`
  for (const [key, value] of map.entries()) {
    if (value instanceof Y.AbstractType) return `${name} holds a nested Yjs type`
    const problem = take(key, value)
    if (problem !== undefined) return problem
  }
  return undefined
}
