/** Replace all: one edit, one undo step of the person's own. */
import { type LexicalEditor, SKIP_DOM_SELECTION_TAG } from 'lexical'
import type * as Y from 'yjs'
import { readCollabUndoManager } from './collabUndoManager'
import { $readTextSegments, $replaceMatches } from './documentText'
import { findDocumentMatches } from './findMatches'

/**
 * Replaces every match of `pattern` (from `createFindPattern`) with `replacement` and returns how many.
 * Matches are found inside the update, in the state being changed, so a collaborator's edit that
 * arrived after the highlights were drawn is neither overwritten nor missed.
 *
 * One discrete update is one Yjs transaction; closing the undo step before and after it keeps it from
 * merging with typing within the UndoManager's capture timeout, so one undo reverts exactly the
 * replacement. The UndoManager tracks only this editor's binding, so the undo leaves what
 * collaborators typed meanwhile alone. The DOM selection is left where it is: focus stays in the
 * find bar.
 */
export function replaceAllMatches(
  editor: LexicalEditor,
  pattern: RegExp,
  replacement: string,
  undoManager: Y.UndoManager | undefined = readCollabUndoManager(editor),
): number {
  let replaced = 0
  undoManager?.stopCapturing()
  editor.update(
    () => {
      replaced = $replaceMatches(findDocumentMatches($readTextSegments(), pattern), replacement)
    },
    { discrete: true, tag: SKIP_DOM_SELECTION_TAG },
  )
  undoManager?.stopCapturing()
  return replaced
}
