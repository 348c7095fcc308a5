/**
 * The comments an accepted update creates, as the comments check judged them, carried with the
 * update's own bytes to the commit listeners (`comment.created` webhooks). Re-reading the raw update
 * instead would trust entries the check never saw: an update may hold several entries for one key
 * (only the winner is judged) or entries that lose to ones already stored.
 *
 * Keyed by the update's Uint8Array identity: the room hands the very array it checked to the commit
 * queue, and a WeakMap forgets it once the queue and its listeners are done with it. Updates that were
 * never checked here (another node's, the server's own) create no events.
 */
import type { CommentEntry } from '@tandem/shared'

const judged = new WeakMap<Uint8Array, readonly CommentEntry[]>()

/** Records what the check accepted `update` as creating (nothing recorded when none). */
export function noteCreatedComments(update: Uint8Array, comments: readonly CommentEntry[]): void {
  if (comments.length > 0) judged.set(update, comments)
}

/** The comments `update` created, as judged when it was accepted; empty for any other update. */
export function createdCommentsOf(update: Uint8Array): readonly CommentEntry[] {
  return judged.get(update) ?? []
}
