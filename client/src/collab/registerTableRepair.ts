/**
 * Fills the cells a table lacks after concurrent structure changes. A adds a row while B adds a
 * column: the merged table's new row is one cell short. Lexical's table transform pads such rows, but
 * the binding applies remote changes with transforms skipped, and a CRDT cannot pad idempotently:
 * two peers each padding one row would add two cells, and padding again to the new widest row would
 * never stop. So a short row is padded only by the client that created it (its Yjs item's client
 * id): one client per row, and padding to the widest row never widens it. A row whose creator has
 * left stays short until someone next changes the table's rows or columns (Lexical's own transform).
 */
import {
  $computeTableMapSkipCellCheck,
  $createTableCellNode,
  $isTableCellNode,
  $isTableNode,
  $isTableRowNode,
  TableCellHeaderStates,
  type TableNode,
} from '@lexical/table'
import { LEXICAL_ROOT_NAME } from '@tandem/shared'
import {
  $createParagraphNode,
  $getNodeByKey,
  $getRoot,
  COLLABORATION_TAG,
  type LexicalEditor,
  type NodeKey,
} from 'lexical'
import * as Y from 'yjs'

/** Pads the short rows this client created in tables a remote change left ragged; returns the unregister function. */
export function registerTableRepair(editor: LexicalEditor, doc: Y.Doc): () => void {
  return editor.registerUpdateListener(({ editorState, dirtyElements, tags }) => {
    // Local changes go through Lexical's own table transform.
    if (!tags.has(COLLABORATION_TAG)) return
    const repairs = editorState.read(() =>
      [...dirtyElements.keys()].flatMap((key): Array<[NodeKey, number, number]> => {
        const table = $getNodeByKey(key)
        if (!$isTableNode(table)) return []
        return $shortRows(table)
          .filter(([row]) => $rowCreator(doc, table, row) === doc.clientID)
          .map(([row, missing]) => [key, row, missing])
      }),
    )
    if (repairs.length === 0) return
    editor.update(() => {
      for (const [key, row, missing] of repairs) $padRow(key, row, missing)
    })
  })
}

/**
 * The Yjs client that created a row of a top-level table: the V2 binding keeps each element as an
 * XmlElement in the same place, so the table is the root's child at the same index and the row its
 * child. Tables nested in other blocks are not looked up (null).
 */
function $rowCreator(doc: Y.Doc, table: TableNode, row: number): number | null {
  if (table.getParent() !== $getRoot()) return null
  const tableType = doc.get(LEXICAL_ROOT_NAME, Y.XmlElement).get(table.getIndexWithinParent())
  if (!(tableType instanceof Y.XmlElement) || tableType.nodeName !== table.getType()) return null
  const rowType = tableType.get(row)
  return rowType instanceof Y.XmlElement ? (rowType._item?.id.client ?? null) : null
}

/** Rows with fewer grid columns than the widest row: [row index, cells missing]. */
function $shortRows(table: TableNode): Array<[number, number]> {
  const [grid] = $computeTableMapSkipCellCheck(table, null, null)
  const width = Math.max(0, ...grid.map((row) => row.length))
  const short: Array<[number, number]> = []
  grid.forEach((row, index) => {
    if (row.length < width) short.push([index, width - row.length])
  })
  return short
}

function $padRow(key: NodeKey, index: number, missing: number): void {
  const table = $getNodeByKey(key)
  const row = $isTableNode(table) ? table.getChildAtIndex(index) : null
  if (!$isTableRowNode(row)) return
  // As Lexical's transform pads: a header row's new cells are header cells.
  const last = row.getLastChild()
  const header = $isTableCellNode(last)
    ? last.getHeaderStyles() & TableCellHeaderStates.ROW
    : TableCellHeaderStates.NO_STATUS
  for (let i = 0; i < missing; i++) row.append($createTableCellNode(header).append($createParagraphNode()))
}
