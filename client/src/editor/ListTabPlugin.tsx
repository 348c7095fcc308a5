/**
 * Tab indents list items and nothing else; elsewhere Tab and Shift+Tab leave the editor like any
 * other field, so keyboard users can reach the rest of the page (issue 15, item 8). Replaces
 * Lexical's TabIndentationPlugin, which turns every Tab into an indent or a tab character and so
 * traps focus in the editor (its own docs warn about this).
 *
 * - Caret or selection in a list item (anywhere in it, not only at its start): Tab indents the items,
 *   Shift+Tab outdents them.
 * - Escape, then Tab: leaves the editor even from a list (the way out of a list by keyboard).
 */
import { $isListItemNode } from '@lexical/list'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $findMatchingParent, mergeRegister } from '@lexical/utils'
import {
  $getSelection,
  $isRangeSelection,
  COMMAND_PRIORITY_CRITICAL,
  COMMAND_PRIORITY_NORMAL,
  INDENT_CONTENT_COMMAND,
  KEY_DOWN_COMMAND,
  KEY_TAB_COMMAND,
  OUTDENT_CONTENT_COMMAND,
} from 'lexical'
import { useEffect } from 'react'

export interface ListTabPluginProps {
  /** As TabIndentationPlugin's: a list item's indent stays below it. */
  maxIndent: number
}

/** True when the selection touches at least one list item. */
function $selectionInList(): boolean {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return false
  return selection.getNodes().some((node) => $findMatchingParent(node, $isListItemNode) !== null)
}

export function ListTabPlugin({ maxIndent }: ListTabPluginProps): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    /** Set by Escape, cleared by any other key: the next Tab leaves the editor. */
    let released = false
    return mergeRegister(
      editor.registerCommand(
        KEY_DOWN_COMMAND,
        (event) => {
          if (event.key !== 'Tab') released = event.key === 'Escape'
          return false
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
      editor.registerCommand(
        KEY_TAB_COMMAND,
        (event) => {
          if (released || !$selectionInList()) {
            released = false
            // Handled, without preventDefault: the browser moves focus, and no lower-priority
            // handler inserts a tab character.
            return true
          }
          event.preventDefault()
          return editor.dispatchCommand(
            event.shiftKey ? OUTDENT_CONTENT_COMMAND : INDENT_CONTENT_COMMAND,
            undefined,
          )
        },
        COMMAND_PRIORITY_NORMAL,
      ),
      // Only list items indent (a paragraph indent is the tab character people did not ask for), and
      // no deeper than maxIndent.
      editor.registerCommand(
        INDENT_CONTENT_COMMAND,
        () => {
          const selection = $getSelection()
          if (!$isRangeSelection(selection)) return false
          const items = new Map(
            selection
              .getNodes()
              .map((node) => $findMatchingParent(node, $isListItemNode))
              .filter((item) => item !== null)
              .map((item) => [item.getKey(), item]),
          )
          for (const item of items.values()) {
            if (item.getIndent() + 1 < maxIndent) item.setIndent(item.getIndent() + 1)
          }
          return true
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
    )
  }, [editor, maxIndent])
  return null
}
