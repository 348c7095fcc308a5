/** Which table or code block the caret is in: the toolbar shows their tools only there. */
import { $isCodeNode } from '@lexical/code'
import { $isTableCellNode, $isTableNode, $isTableSelection, TableCellHeaderStates } from '@lexical/table'
import { $findMatchingParent } from '@lexical/utils'
import { $getSelection, $isElementNode, $isRangeSelection, type LexicalEditor, type NodeKey } from 'lexical'
import { useEffect, useState } from 'react'

export interface CaretContext {
  /** The table holding the caret or the selected cells. */
  table: { key: NodeKey; headerRow: boolean } | null
  /** The code block holding the caret, and its stored language (undefined: plain text). */
  code: { key: NodeKey; language: string | undefined } | null
}

const OUTSIDE: CaretContext = { table: null, code: null }

/** Must run inside a read of the editor state. */
export function $readCaretContext(): CaretContext {
  const selection = $getSelection()
  if (!$isRangeSelection(selection) && !$isTableSelection(selection)) return OUTSIDE
  const anchor = selection.anchor.getNode()
  const table = $findMatchingParent(anchor, $isTableNode)
  const code = $findMatchingParent(anchor, $isCodeNode)
  const firstRow = table?.getFirstChild()
  const firstCell = $isElementNode(firstRow) ? firstRow.getFirstChild() : null
  return {
    table:
      table === null
        ? null
        : {
            key: table.getKey(),
            headerRow: $isTableCellNode(firstCell) && firstCell.hasHeaderState(TableCellHeaderStates.ROW),
          },
    code:
      code === null || !$isCodeNode(code)
        ? null
        : { key: code.getKey(), language: code.getLanguage() ?? undefined },
  }
}

function sameContext(a: CaretContext, b: CaretContext): boolean {
  return (
    a.table?.key === b.table?.key &&
    a.table?.headerRow === b.table?.headerRow &&
    a.code?.key === b.code?.key &&
    a.code?.language === b.code?.language
  )
}

/** The caret's context, following local and remote changes (a peer may change the language). */
export function useCaretContext(editor: LexicalEditor): CaretContext {
  const [context, setContext] = useState<CaretContext>(OUTSIDE)
  useEffect(() => {
    const refresh = () => {
      const next = editor.getEditorState().read($readCaretContext)
      setContext((previous) => (sameContext(previous, next) ? previous : next))
    }
    refresh()
    return editor.registerUpdateListener(refresh)
  }, [editor])
  return context
}
