/** Toolbar state that follows the editor: the selection's format and whether undo/redo are possible. */
import { mergeRegister } from '@lexical/utils'
import {
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_CRITICAL,
  type LexicalEditor,
  SELECTION_CHANGE_COMMAND,
} from 'lexical'
import { useEffect, useState } from 'react'
import {
  $readSelectionFormat,
  EMPTY_SELECTION_FORMAT,
  type SelectionFormat,
  sameSelectionFormat,
} from './selectionFormat'

/** The current selection's block type, inline formats and link state. */
export function useSelectionFormat(editor: LexicalEditor): SelectionFormat {
  const [format, setFormat] = useState<SelectionFormat>(EMPTY_SELECTION_FORMAT)
  useEffect(() => {
    const refresh = () => {
      const next = editor.getEditorState().read($readSelectionFormat)
      setFormat((previous) => (sameSelectionFormat(previous, next) ? previous : next))
    }
    refresh()
    return mergeRegister(
      editor.registerUpdateListener(({ editorState }) => {
        const next = editorState.read($readSelectionFormat)
        setFormat((previous) => (sameSelectionFormat(previous, next) ? previous : next))
      }),
      editor.registerCommand(
        SELECTION_CHANGE_COMMAND,
        () => {
          refresh()
          return false
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
    )
  }, [editor])
  return format
}

/** Whether the collaboration plugin's UndoManager has something to undo / redo. */
export function useUndoState(editor: LexicalEditor): { canUndo: boolean; canRedo: boolean } {
  const [canUndo, setCanUndo] = useState(false)
  const [canRedo, setCanRedo] = useState(false)
  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          CAN_UNDO_COMMAND,
          (payload) => {
            setCanUndo(payload)
            return false
          },
          COMMAND_PRIORITY_CRITICAL,
        ),
        editor.registerCommand(
          CAN_REDO_COMMAND,
          (payload) => {
            setCanRedo(payload)
            return false
          },
          COMMAND_PRIORITY_CRITICAL,
        ),
      ),
    [editor],
  )
  return { canUndo, canRedo }
}
