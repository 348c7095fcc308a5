/**
 * Runs editor actions (RUN_EDITOR_ACTION_COMMAND) against the selection as it is when the command
 * fires. Registered once: reading the toolbar's rendered state instead re-registered the handler on
 * every selection change and could act on a selection React had not rendered yet.
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $getSelection, COMMAND_PRIORITY_EDITOR, type LexicalEditor } from 'lexical'
import { useEffect } from 'react'
import { BLOCK_INSERTS } from './blockInserts'
import {
  $ensureBlockToFormat,
  applyBlockType,
  type EditorAction,
  redo,
  setLink,
  toggleTextFormat,
  undo,
} from './editorActions'
import { OPEN_LINK_EDITOR_COMMAND, RUN_EDITOR_ACTION_COMMAND } from './editorCommands'
import { $readSelectionFormat } from './selectionFormat'

export function EditorActionsPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerEditorActions(editor), [editor])
  return null
}

/** Handles RUN_EDITOR_ACTION_COMMAND on `editor`; returns the unregister function. */
function registerEditorActions(editor: LexicalEditor): () => void {
  return editor.registerCommand(
    RUN_EDITOR_ACTION_COMMAND,
    (action) => {
      $runEditorAction(editor, action)
      return true
    },
    COMMAND_PRIORITY_EDITOR,
  )
}

/** Command listeners run inside an update, so the selection read here is the current one. */
function $runEditorAction(editor: LexicalEditor, action: EditorAction): void {
  switch (action.type) {
    case 'block':
      applyBlockType(editor, action.block, $readSelectionFormat().block)
      return
    case 'format':
      toggleTextFormat(editor, action.format)
      return
    case 'link':
      if ($readSelectionFormat().isLink) {
        setLink(editor, null, null)
        return
      }
      editor.dispatchCommand(OPEN_LINK_EDITOR_COMMAND, $getSelection()?.clone() ?? null)
      return
    case 'undo':
      undo(editor)
      return
    case 'redo':
      redo(editor)
      return
    case 'insert':
      $ensureBlockToFormat()
      BLOCK_INSERTS.find((entry) => entry.id === action.id)?.run(editor)
      return
  }
}
