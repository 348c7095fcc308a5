/** The threads of a comments Y.Doc as the panel shows them, each with its comments, oldest first. */
import {
  type CommentEntry,
  type CommentThread,
  commentsOf,
  compareThreadComments,
  peopleOf,
  readComment,
  readPerson,
  readThread,
  threadsOf,
} from '@tandem/shared'
import type * as Y from 'yjs'

export interface ThreadView {
  readonly thread: CommentThread
  readonly comments: readonly CommentEntry[]
}

/** Every well-formed thread with its well-formed comments; threads oldest first. */
export function readThreads(doc: Y.Doc): ThreadView[] {
  const byThread = new Map<string, CommentEntry[]>()
  for (const value of commentsOf(doc).values()) {
    const comment = readComment(value)
    if (!comment) continue
    const list = byThread.get(comment.threadId) ?? []
    list.push(comment)
    byThread.set(comment.threadId, list)
  }
  const threads: ThreadView[] = []
  for (const value of threadsOf(doc).values()) {
    const thread = readThread(value)
    if (!thread) continue
    const comments = (byThread.get(thread.id) ?? []).sort(compareThreadComments(thread))
    threads.push({ thread, comments })
  }
  return threads.sort(
    (a, b) => a.thread.createdAt - b.thread.createdAt || a.thread.id.localeCompare(b.thread.id),
  )
}

/** Names of the people who have been in the document, for @mentions, sorted. */
export function readPeopleNames(doc: Y.Doc): string[] {
  const names = new Set<string>()
  for (const value of peopleOf(doc).values()) {
    const person = readPerson(value)
    if (person) names.add(person.name)
  }
  return [...names].sort((a, b) => a.localeCompare(b))
}

/** `body` split into text and `@name` mentions of `people` (longest names first, so "Ann Lee" beats "Ann"). */
export function splitMentions(body: string, people: readonly string[]): { text: string; mention: boolean }[] {
  const names = [...people].filter((name) => name !== '').sort((a, b) => b.length - a.length)
  const parts: { text: string; mention: boolean }[] = []
  let plain = ''
  for (let i = 0; i < body.length; ) {
    const name = body[i] === '@' ? names.find((n) => body.startsWith(n, i + 1)) : undefined
    if (name === undefined) {
      plain += body[i]
      i++
      continue
    }
    if (plain) parts.push({ text: plain, mention: false })
    plain = ''
    parts.push({ text: `@${name}`, mention: true })
    i += name.length + 1
  }
  if (plain) parts.push({ text: plain, mention: false })
  return parts
}
