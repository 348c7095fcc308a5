/** Makes the collaboration plugin's undo keep what others wrote (docs/architecture.md, "Editor binding"). */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { COMMAND_PRIORITY_HIGH, type LexicalEditor, mergeRegister, REDO_COMMAND, UNDO_COMMAND } from 'lexical'
import { useEffect } from 'react'
import type * as Y from 'yjs'
import { applyOwnChangesUndo } from '../collab/ownChangesUndo'

/**
 * Where `CollaborationPluginV2__EXPERIMENTAL` publishes the Yjs UndoManager it creates
 * (`@lexical/react`'s `COLLAB_UNDO_MANAGER`, documented there as the handle for tooling). The plugin
 * takes no UndoManager options, and `deleteFilter` is a public field Yjs reads on every undo.
 */
const COLLAB_UNDO_MANAGER = Symbol.for('@lexical/yjs/UndoManager')

function installUndoRules(editor: LexicalEditor): void {
  const undoManager = (editor as LexicalEditor & Record<symbol, Y.UndoManager | undefined>)[
    COLLAB_UNDO_MANAGER
  ]
  if (undoManager !== undefined) applyOwnChangesUndo(undoManager)
}

/**
 * Before the plugin's own undo/redo handler runs (it listens at editor priority), makes sure its
 * current UndoManager follows Tandem's undo rules (the delete filter, the merge relocation). Installing
 * at command time rather than on mount follows the plugin, which creates a new UndoManager whenever it
 * rebuilds its binding.
 */
export function UndoOwnChangesPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    const install = () => {
      installUndoRules(editor)
      return false
    }
    return mergeRegister(
      editor.registerCommand(UNDO_COMMAND, install, COMMAND_PRIORITY_HIGH),
      editor.registerCommand(REDO_COMMAND, install, COMMAND_PRIORITY_HIGH),
    )
  }, [editor])
  return null
}
