/** Replace one and replace all: each one edit, one undo step of the person's own. */
import { type LexicalEditor, SKIP_DOM_SELECTION_TAG } from 'lexical'
import type * as Y from 'yjs'
import { readCollabUndoManager } from './collabUndoManager'
import { $readTextSegments, $replaceMatches } from './documentText'
import { type DocumentMatch, findDocumentMatches, type TextPoint } from './findMatches'

/**
 * Runs `edit` as one discrete update, so it is one Yjs transaction, and closes the undo step before
 * and after it so it never merges with typing within the UndoManager's capture timeout: one undo
 * reverts exactly the replacement. The UndoManager tracks only this editor's binding, so that undo
 * leaves what collaborators typed meanwhile alone. The DOM selection stays put: focus stays in the
 * find bar.
 */
function editAsOneStep(
  editor: LexicalEditor,
  undoManager: Y.UndoManager | undefined,
  edit: () => void,
): void {
  undoManager?.stopCapturing()
  editor.update(edit, { discrete: true, tag: SKIP_DOM_SELECTION_TAG })
  undoManager?.stopCapturing()
}

/**
 * Replaces every match of `pattern` (from `createFindPattern`) with `replacement`; returns how many.
 * Matches are found inside the update, in the state being changed, so a collaborator's edit that
 * arrived after the highlights were drawn is neither overwritten nor missed.
 */
export function replaceAllMatches(
  editor: LexicalEditor,
  pattern: RegExp,
  replacement: string,
  undoManager: Y.UndoManager | undefined = readCollabUndoManager(editor),
): number {
  let replaced = 0
  editAsOneStep(editor, undoManager, () => {
    replaced = $replaceMatches(findDocumentMatches($readTextSegments(), pattern), replacement)
  })
  return replaced
}

const samePoint = (a: TextPoint, b: TextPoint) => a.key === b.key && a.offset === b.offset

/**
 * Replaces the match that starts at `start`, if it is still a match now (a collaborator may have
 * changed it since it was highlighted). Returns whether it did.
 */
export function replaceMatchAt(
  editor: LexicalEditor,
  pattern: RegExp,
  start: TextPoint,
  replacement: string,
  undoManager: Y.UndoManager | undefined = readCollabUndoManager(editor),
): boolean {
  let replaced = false
  editAsOneStep(editor, undoManager, () => {
    const match: DocumentMatch | undefined = findDocumentMatches($readTextSegments(), pattern).find((found) =>
      samePoint(found.start, start),
    )
    replaced = match !== undefined && $replaceMatches([match], replacement) === 1
  })
  return replaced
}
