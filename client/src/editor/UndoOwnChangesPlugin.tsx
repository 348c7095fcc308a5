/** Makes the collaboration plugin's undo keep what others wrote (docs/architecture.md, "Editor binding"). */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { COMMAND_PRIORITY_HIGH, type LexicalEditor, mergeRegister, REDO_COMMAND, UNDO_COMMAND } from 'lexical'
import { useEffect } from 'react'
import { applyOwnChangesUndo } from '../collab/ownChangesUndo'
import { readCollabUndoManager } from './collabUndoManager'

// The plugin takes no UndoManager options, and `deleteFilter` is a public field Yjs reads on every undo.
function installUndoRules(editor: LexicalEditor): void {
  const undoManager = readCollabUndoManager(editor)
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
