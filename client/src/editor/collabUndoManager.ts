/** Finds the Yjs UndoManager the collaboration plugin created for an editor. */
import type { LexicalEditor } from 'lexical'
import type * as Y from 'yjs'

/**
 * Where `CollaborationPluginV2__EXPERIMENTAL` publishes the Yjs UndoManager it creates
 * (`@lexical/react`'s `COLLAB_UNDO_MANAGER`, documented there as the handle for tooling).
 */
const COLLAB_UNDO_MANAGER = Symbol.for('@lexical/yjs/UndoManager')

/** The editor's current collaboration UndoManager; undefined before the binding exists. */
export function readCollabUndoManager(editor: LexicalEditor): Y.UndoManager | undefined {
  return (editor as LexicalEditor & Record<symbol, Y.UndoManager | undefined>)[COLLAB_UNDO_MANAGER]
}
