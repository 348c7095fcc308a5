/** Tandem's undo rules on a Yjs UndoManager: undo and redo reverse only this person's own changes. */
import type * as Y from 'yjs'
import { MergeUndoRelocation } from './MergeUndoRelocation'
import { createUndoDeleteFilter } from './undoDeleteFilter'

const relocations = new WeakMap<Y.UndoManager, MergeUndoRelocation>()

/**
 * Makes `undoManager` keep what others wrote (the delete filter) and leave their text where they typed
 * it when a merge is undone (`MergeUndoRelocation`). Idempotent: safe to call before every undo.
 * The relocation's listeners go when the manager is destroyed.
 */
export function applyOwnChangesUndo(undoManager: Y.UndoManager): void {
  let relocation = relocations.get(undoManager)
  if (relocation === undefined) {
    relocation = new MergeUndoRelocation(undoManager)
    relocations.set(undoManager, relocation)
  }
  const written = relocation
  undoManager.deleteFilter = createUndoDeleteFilter(undoManager.doc, (client, clock) =>
    written.isWrittenForOthers(client, clock),
  )
}
