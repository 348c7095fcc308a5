/**
 * GFM pipe tables and the divider (`---`) as Markdown transformers. Lexical's @lexical/markdown has
 * neither; this follows the shape of Lexical playground's TABLE transformer, with escaped pipes, line
 * breaks inside cells and a stable form for tables without a header row.
 */
import { $createHorizontalRuleNode, $isHorizontalRuleNode, HorizontalRuleNode } from '@lexical/extension'
import {
  $convertFromMarkdownString,
  $convertToMarkdownString,
  type ElementTransformer,
  type Transformer,
} from '@lexical/markdown'
import {
  $createTableCellNode,
  $createTableNode,
  $createTableRowNode,
  $isTableCellNode,
  $isTableNode,
  $isTableRowNode,
  TableCellHeaderStates,
  TableCellNode,
  TableNode,
  TableRowNode,
} from '@lexical/table'
import { $createParagraphNode, $isTextNode, type ElementNode, type LexicalNode } from 'lexical'

/** `| a | b |`: a row (cells split on pipes that are not escaped). */
const TABLE_ROW = /^\|(.+)\|\s*$/
/** `| --- | :-: |`: the delimiter row under a header row. */
const TABLE_DELIMITER = /^\|(\s*:?-+:?\s*\|)+\s*$/
/** A line break inside a cell: GFM cells are one line, so breaks are written as `<br>`. */
const CELL_BREAK = /<br\s*\/?>/gi

/**
 * A table in Markdown. The header row (its cells have the ROW header state) is followed by the
 * delimiter row. GFM needs a header row, so a table without one is written with an empty header row,
 * and an empty header row is read back as "no header row": valid GFM elsewhere, stable here.
 * Cells hold inline Markdown; a cell's separate paragraphs are joined with `<br>`; `|` is escaped.
 * What Markdown cannot say is dropped: merged cells (a spanning cell is followed by empty cells),
 * header columns, widths and cell colours.
 * `cellTransformers` is what cell contents are converted with (a getter: it includes this list's peers).
 */
export function createTableTransformer(cellTransformers: () => Transformer[]): ElementTransformer {
  return {
    dependencies: [TableNode, TableRowNode, TableCellNode],
    export: (node: LexicalNode) => {
      if (!$isTableNode(node)) return null
      const rows: string[][] = []
      let headerRow = false
      node.getChildren().forEach((row, index) => {
        if (!$isTableRowNode(row)) return
        const cells: string[] = []
        let allHeader = row.getChildrenSize() > 0
        for (const cell of row.getChildren()) {
          if (!$isTableCellNode(cell)) continue
          cells.push(exportCell(cell, cellTransformers()))
          for (let span = 1; span < cell.getColSpan(); span++) cells.push('')
          if ((cell.getHeaderStyles() & TableCellHeaderStates.ROW) === 0) allHeader = false
        }
        if (index === 0) headerRow = allHeader
        rows.push(cells)
      })
      if (rows.length === 0) return null
      const columns = Math.max(...rows.map((cells) => cells.length))
      const line = (cells: readonly string[]) =>
        `| ${Array.from({ length: columns }, (_, i) => cells[i] ?? '').join(' | ')} |`
      const lines = headerRow ? [line(rows[0]!)] : [line([])]
      lines.push(line(Array.from({ length: columns }, () => '---')))
      for (const cells of headerRow ? rows.slice(1) : rows) lines.push(line(cells))
      return lines.join('\n')
    },
    regExp: TABLE_ROW,
    replace: (parentNode, children, match, isImport) => {
      // Only on import: typing "| a |" and a space in the editor stays text (the / menu makes tables).
      if (!isImport) return false
      const previous = parentNode.getPreviousSibling()
      if (TABLE_DELIMITER.test(match[0] ?? '')) {
        if (pendingHeader === null || previous !== pendingHeader.paragraph) return keepAsText(children, match)
        // The line before was a table's header row: the two lines become the table.
        const header = rowOf(pendingHeader.inner, cellTransformers())
        pendingHeader = null
        for (const cell of header.getChildren()) {
          if ($isTableCellNode(cell))
            cell.setHeaderStyles(TableCellHeaderStates.ROW, TableCellHeaderStates.ROW)
        }
        previous.replace($createTableNode().append(header))
        parentNode.remove()
        return
      }
      if (!$isTableNode(previous)) {
        // Perhaps a header row; it is one only if a delimiter row follows, so it stays text until then.
        pendingHeader = { paragraph: parentNode, inner: match[1]! }
        return keepAsText(children, match)
      }
      // A body row of the table above.
      const row = rowOf(match[1]!, cellTransformers())
      const first = previous.getFirstChild()
      if (previous.getChildrenSize() === 1 && $isTableRowNode(first) && isEmptyHeaderRow(first)) {
        // The empty header row written for a table without one (see above).
        first.remove()
      }
      const columns = Math.max(columnCount(previous), row.getChildrenSize())
      for (const existing of previous.getChildren()) if ($isTableRowNode(existing)) padRow(existing, columns)
      padRow(row, columns)
      previous.append(row)
      parentNode.remove()
    },
    type: 'element',
  }
}

/**
 * The last line that may be a header row, while its import runs (imports are synchronous, and the
 * paragraph object identifies the line: a later import never sees the same object).
 */
let pendingHeader: { paragraph: ElementNode; inner: string } | null = null

/** Declines the line, leaving its text whole (Lexical has already cut the matched part off it). */
function keepAsText(children: readonly LexicalNode[], match: string[]): false {
  const text = children[0]
  if ($isTextNode(text)) text.setTextContent((match as RegExpMatchArray).input ?? match[0] ?? '')
  return false
}

function isEmptyHeaderRow(row: TableRowNode): boolean {
  const cells = row.getChildren()
  return cells.every(
    (cell) =>
      $isTableCellNode(cell) &&
      (cell.getHeaderStyles() & TableCellHeaderStates.ROW) !== 0 &&
      cell.getTextContent().trim() === '',
  )
}

function rowOf(inner: string, transformers: Transformer[]): TableRowNode {
  return $createTableRowNode().append(...splitRow(inner).map((text) => importCell(text, transformers)))
}

function columnCount(table: TableNode): number {
  return Math.max(0, ...table.getChildren().map((row) => ($isTableRowNode(row) ? row.getChildrenSize() : 0)))
}

function padRow(row: TableRowNode, columns: number): void {
  for (let i = row.getChildrenSize(); i < columns; i++) {
    row.append($createTableCellNode(TableCellHeaderStates.NO_STATUS).append($createParagraphNode()))
  }
}

/** Cells of a row's inner text, split on unescaped pipes, with `\|` unescaped. */
function splitRow(inner: string): string[] {
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

function importCell(text: string, transformers: Transformer[]): TableCellNode {
  const cell = $createTableCellNode(TableCellHeaderStates.NO_STATUS)
  $convertFromMarkdownString(text.replace(CELL_BREAK, '\n'), transformers, cell, false, false)
  if (cell.getChildrenSize() === 0) cell.append($createParagraphNode())
  return cell
}

function exportCell(cell: TableCellNode, transformers: Transformer[]): string {
  return $convertToMarkdownString(transformers, cell).trim().replace(/\n+/g, '<br>').replace(/\|/g, '\\|')
}

/** `---` (or `***`, `___` on import) as the divider. */
export const DIVIDER: ElementTransformer = {
  dependencies: [HorizontalRuleNode],
  export: (node) => ($isHorizontalRuleNode(node) ? '---' : null),
  regExp: /^(---|\*\*\*|___)\s*$/,
  replace: (parentNode, _children, _match, isImport) => {
    const rule = $createHorizontalRuleNode()
    if (isImport || parentNode.getNextSibling() !== null) parentNode.replace(rule)
    else parentNode.insertBefore(rule)
    if (!isImport) rule.selectNext()
  },
  type: 'element',
}
