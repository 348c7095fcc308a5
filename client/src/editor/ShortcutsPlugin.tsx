/** Binds Tandem's extra keyboard shortcuts (see shortcuts.ts) to editor actions. */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { IS_APPLE } from '@lexical/utils'
import { COMMAND_PRIORITY_NORMAL, KEY_DOWN_COMMAND } from 'lexical'
import { useEffect } from 'react'
import { RUN_EDITOR_ACTION_COMMAND } from './editorCommands'
import { matchShortcut } from './shortcuts'

export function ShortcutsPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(
    () =>
      editor.registerCommand(
        KEY_DOWN_COMMAND,
        (event) => {
          if (!editor.isEditable()) return false
          const action = matchShortcut(event, IS_APPLE)
          if (action === null) return false
          event.preventDefault()
          return editor.dispatchCommand(RUN_EDITOR_ACTION_COMMAND, action)
        },
        COMMAND_PRIORITY_NORMAL,
      ),
    [editor],
  )
  return null
}
