/** The undo rule: an undo (or redo) never deletes what someone else wrote, even inside what it removes. */
import * as Y from 'yjs'

/**
 * A Yjs `UndoManager` `deleteFilter` for `doc`: an item the undo would delete is kept when it is a
 * container (paragraph, list, text run) that holds live content written by another Yjs client.
 *
 * Undoing "Enter" deletes the paragraph it created; Yjs deletes a type with everything in it, so a
 * collaborator's line typed into that paragraph went with it, and since their characters were not in
 * this person's undo stack no redo brought them back. The undo stack only ever holds this client's
 * own insertions, so "own" is "written under this doc's client id": content this person wrote in an
 * earlier session (another client id) counts as someone else's and is kept, which errs on the safe
 * side. Characters are filtered children first (Yjs deletes in reverse order), so this person's own
 * text inside a kept paragraph is still removed; format marks (not countable) hold nothing.
 * A container kept here was not deleted, so a redo has nothing to restore for it: its content is
 * already there.
 */
export function createUndoDeleteFilter(doc: Y.Doc): (item: Y.Item) => boolean {
  // Read the id on each call: Yjs gives a doc a new client id when it detects a clash.
  return (item) => !holdsOthersContent(item, doc.clientID)
}

function holdsOthersContent(item: Y.Item, ownClientId: number): boolean {
  if (!(item.content instanceof Y.ContentType)) return false
  for (let child = item.content.type._start; child !== null; child = child.right) {
    if (child.deleted || !child.countable) continue
    if (child.id.client !== ownClientId || holdsOthersContent(child, ownClientId)) return true
  }
  return false
}
