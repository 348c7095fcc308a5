/**
 * The comments an update to a comments room creates, read from the update alone (no document):
 * a new key of the comments map is the one item whose parent is the map's root name (an overwrite
 * or a re-creation points at the key's earlier item instead). Used for `comment.created` webhooks.
 */
import { COMMENTS_MAP_NAME, type CommentEntry, readComment } from '@tandem/shared'
import * as Y from 'yjs'

export function readCreatedComments(update: Uint8Array): CommentEntry[] {
  const created: CommentEntry[] = []
  for (const struct of Y.decodeUpdate(update).structs) {
    // Decoded (not integrated) items name a root parent by its string; Yjs's types omit that case.
    if (!(struct instanceof Y.Item) || (struct.parent as unknown) !== COMMENTS_MAP_NAME) continue
    if (struct.parentSub === null) continue
    if (!(struct.content instanceof Y.ContentAny)) continue
    const comment = readComment(struct.content.arr.at(-1))
    if (comment && comment.id === struct.parentSub) created.push(comment)
  }
  return created
}
