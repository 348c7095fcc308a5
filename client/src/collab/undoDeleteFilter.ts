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
 *
 * `isWrittenForOthers(client, clock)` names characters written under this id that are someone else's
 * (an undo or redo re-created them, or `MergeUndoRelocation` moved them): they count as theirs. Yjs
 * merges adjacent characters of one client into one item, so such text can share an item with this
 * person's own; an undo that reaches that item (through Yjs's redone links) would delete all of it.
 * The filter then deletes only the own characters and keeps the rest.
 */
export function createUndoDeleteFilter(
  doc: Y.Doc,
  isWrittenForOthers: (client: number, clock: number) => boolean = () => false,
): (item: Y.Item) => boolean {
  // Read the id on each call: Yjs gives a doc a new client id when it detects a clash.
  const isOthers = (client: number, clock: number) =>
    client !== doc.clientID || isWrittenForOthers(client, clock)
  return (item) => {
    if (item.content instanceof Y.ContentString) return !keepOthersCharacters(doc, item, isOthers)
    return !holdsOthersContent(item, isOthers)
  }
}

type IsOthers = (client: number, clock: number) => boolean

function holdsOthersContent(item: Y.Item, isOthers: IsOthers): boolean {
  if (!(item.content instanceof Y.ContentType)) return false
  for (let child = item.content.type._start; child !== null; child = child.right) {
    if (child.deleted || !child.countable) continue
    if (hasOthersCharacter(child, isOthers) || holdsOthersContent(child, isOthers)) return true
  }
  return false
}

function hasOthersCharacter(item: Y.Item, isOthers: IsOthers): boolean {
  for (let i = 0; i < item.length; i++) if (isOthers(item.id.client, item.id.clock + i)) return true
  return false
}

/**
 * True when `item` holds someone else's characters: they stay, and this person's own characters in
 * the same item are deleted here (split off in the undo's own transaction), so the caller keeps it.
 */
function keepOthersCharacters(doc: Y.Doc, item: Y.Item, isOthers: IsOthers): boolean {
  const { client, clock } = item.id
  const length = item.length
  if (!hasOthersCharacter(item, isOthers)) return false
  const transaction = doc._transaction
  if (transaction === null) return true
  for (let start = 0; start < length; ) {
    if (isOthers(client, clock + start)) {
      start++
      continue
    }
    let end = start
    while (end < length && !isOthers(client, clock + end)) end++
    const own = Y.getItemCleanStart(transaction, Y.createID(client, clock + start))
    Y.getItemCleanEnd(transaction, doc.store, Y.createID(client, clock + end - 1))
    own.delete(transaction)
    start = end
  }
  return true
}
