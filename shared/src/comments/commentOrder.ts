/**
 * The order of a thread's comments, the same for the panel, the API and exports: the thread's
 * opening comment first, then by the time each says it was written, then by id. Times are the
 * writers' clocks (offline work keeps the time it was written), so a reply may claim any earlier
 * time; it still never goes before the opener, whose author alone can write comments that match it.
 */
import type { CommentEntry, CommentThread } from './commentsLayout'

type Ordered = Pick<CommentEntry, 'id' | 'authorId' | 'createdAt'>

/** Whether `comment` is (or could be) the opening comment of `thread`: by its author, not later. */
function opens(thread: Pick<CommentThread, 'authorId' | 'createdAt'>, comment: Ordered): boolean {
  return comment.authorId === thread.authorId && comment.createdAt <= thread.createdAt
}

/** A comparator for the comments of `thread`, oldest first with its opener at the top. */
export function compareThreadComments(
  thread: Pick<CommentThread, 'authorId' | 'createdAt'>,
): (a: Ordered, b: Ordered) => number {
  return (a, b) =>
    Number(opens(thread, b)) - Number(opens(thread, a)) ||
    a.createdAt - b.createdAt ||
    a.id.localeCompare(b.id)
}
