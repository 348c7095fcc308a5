// @vitest-environment node
/**
 * Tables through the V2 binding, headless and bound as the app binds them: concurrent edits in
 * different cells and concurrent row/column changes converge (every view equals a fresh view of the
 * server's document), and an HTML table pasted from Google Docs, a web page or a spreadsheet stays a
 * table for everyone (before TableNode was registered it was flattened into paragraphs).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $insertDataTransferForRichText } = await import('@lexical/clipboard')
const {
  $deleteTableColumnAtSelection,
  $insertTableColumnAtSelection,
  $insertTableRowAtSelection,
  $isTableCellNode,
  $isTableNode,
  $isTableRowNode,
  INSERT_TABLE_COMMAND,
} = await import('@lexical/table')
const { $createParagraphNode, $getRoot, $getSelection, $isElementNode, $isRangeSelection } = await import(
  'lexical'
)
const { HeadlessNetwork, freshContent } = await import('../testing/headlessCollab')
type Peer = import('../testing/headlessCollab').HeadlessPeer
type TableNode = import('@lexical/table').TableNode
type TableCellNode = import('@lexical/table').TableCellNode

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

function $table(): TableNode {
  const table = $getRoot().getChildren().find($isTableNode)
  if (table === undefined) throw new Error('expected a table in the document')
  return table
}

function $cell(row: number, column: number): TableCellNode {
  const rowNode = $table().getChildAtIndex(row)
  const cell = $isTableRowNode(rowNode) ? rowNode.getChildAtIndex(column) : null
  if (!$isTableCellNode(cell)) throw new Error(`no cell at ${row},${column}`)
  return cell
}

/** Puts the caret at the end of a cell's text and types, as a person clicking into it would. */
function typeInCell(peer: Peer, row: number, column: number, text: string): void {
  peer.edit(() => {
    const paragraph = $cell(row, column).getLastChild()
    if (!$isElementNode(paragraph)) throw new Error('expected a paragraph in the cell')
    paragraph.selectEnd()
  })
  peer.edit(() => {
    const selection = $getSelection()
    if (!$isRangeSelection(selection)) throw new Error('expected a caret')
    selection.insertText(text)
  })
}

/** The document as rows of cell texts, one array per table. */
function tableTexts(peer: Peer): string[][] {
  return peer.editor.getEditorState().read(() =>
    $table()
      .getChildren()
      .filter($isTableRowNode)
      .map((row) => row.getChildren().map((cell) => cell.getTextContent())),
  )
}

function insertTable(peer: Peer, rows: number, columns: number): void {
  peer.edit(() => {
    const paragraph = $createParagraphNode()
    $getRoot().append(paragraph)
    paragraph.select()
    peer.editor.dispatchCommand(INSERT_TABLE_COMMAND, {
      rows: String(rows),
      columns: String(columns),
      includeHeaders: { rows: true, columns: false },
    })
  })
}

async function expectConverged(peers: Peer[]): Promise<void> {
  await net.settle()
  const server = await freshContent(net.server)
  for (const peer of peers) expect(peer.content(), peer.name).toEqual(server)
}

describe('tables through the V2 binding', () => {
  it('concurrent typing in different cells, then concurrent row and column changes, converge', async () => {
    net = new HeadlessNetwork()
    const a = net.join('A')
    const b = net.join('B')
    insertTable(a, 3, 3)
    await net.settle()
    expect(tableTexts(b)).toEqual([
      ['', '', ''],
      ['', '', ''],
      ['', '', ''],
    ])
    // A header row is a property of its cells and reaches B.
    expect(b.editor.getEditorState().read(() => $cell(0, 0).hasHeader())).toBe(true)

    // Both offline, each types into different cells, then both reconnect. (Both typing into the same
    // empty block duplicates one person's text, in a cell as in a plain paragraph: a binding issue of
    // its own, not the table's.)
    net.setOnline(a, false)
    net.setOnline(b, false)
    typeInCell(a, 0, 0, 'Name')
    typeInCell(b, 0, 1, 'Owner')
    typeInCell(a, 1, 2, 'alpha')
    typeInCell(b, 2, 1, 'beta')
    await expectConverged([a, b])
    expect(tableTexts(a)).toEqual([
      ['Name', 'Owner', ''],
      ['', '', 'alpha'],
      ['', 'beta', ''],
    ])

    // A adds a row under the first while B deletes the last column and types in a cell.
    net.setOnline(a, false)
    net.setOnline(b, false)
    a.edit(() => $cell(0, 0).selectEnd())
    a.edit(() => $insertTableRowAtSelection(true))
    b.edit(() => $cell(2, 2).selectEnd())
    b.edit(() => $deleteTableColumnAtSelection())
    typeInCell(b, 2, 0, 'gamma')
    await expectConverged([a, b])
    const texts = tableTexts(b)
    expect(texts).toHaveLength(4)
    expect(texts.flat().join('|')).toContain('gamma')
    expect(texts[0]?.slice(0, 2)).toEqual(['Name', 'Owner'])
  })

  it('a row added by one while another adds a column gets its missing cell, once', async () => {
    net = new HeadlessNetwork()
    const a = net.join('A')
    const b = net.join('B')
    const c = net.join('C')
    insertTable(b, 2, 2)
    await net.settle()
    for (const peer of [a, b, c]) net.setOnline(peer, false)
    b.edit(() => $cell(1, 0).selectEnd())
    b.edit(() => $insertTableRowAtSelection(true))
    c.edit(() => $cell(0, 1).selectEnd())
    c.edit(() => $insertTableColumnAtSelection(true))
    typeInCell(c, 1, 2, 'new column')
    await expectConverged([a, b, c])
    // B, who created the short row, pads it: it has a cell in C's new column, and only one.
    expect(tableTexts(a)).toEqual([
      ['', '', ''],
      ['', '', 'new column'],
      ['', '', ''],
    ])
  })

  // What each source puts on the clipboard, trimmed to what matters: Google Docs wraps the table in a
  // <b> and sizes columns with <col width>; spreadsheets style cells inline and have no <tbody> header.
  const PASTES: Record<string, string> = {
    'Google Docs': `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><div dir="ltr"><table style="border:none;border-collapse:collapse;"><colgroup><col width="120"><col width="200"></colgroup><tbody><tr><td><p dir="ltr"><span>H1</span></p></td><td><p dir="ltr"><span>H2</span></p></td></tr><tr><td><p dir="ltr"><span>a</span></p></td><td><p dir="ltr"><span>b</span></p></td></tr></tbody></table></div></b>`,
    'a web page': `<table><thead><tr><th>H1</th><th>H2</th></tr></thead><tbody><tr><td>a</td><td><strong>b</strong></td></tr></tbody></table>`,
    'a spreadsheet': `<google-sheets-html-origin><table xmlns="http://www.w3.org/1999/xhtml" cellspacing="0" cellpadding="0" dir="ltr" border="1" style="table-layout:fixed;font-size:10pt;"><colgroup><col width="100"/><col width="100"/></colgroup><tbody><tr style="height:21px;"><td style="overflow:hidden;padding:2px 3px;">H1</td><td style="overflow:hidden;padding:2px 3px;">H2</td></tr><tr style="height:21px;"><td style="overflow:hidden;padding:2px 3px;">a</td><td style="overflow:hidden;padding:2px 3px;text-align:right;">b</td></tr></tbody></table>`,
  }

  for (const [source, html] of Object.entries(PASTES)) {
    it(`an HTML table pasted from ${source} stays a table, for both people`, async () => {
      net = new HeadlessNetwork()
      const a = net.join('A')
      const b = net.join('B')
      a.edit(() => {
        const paragraph = $createParagraphNode()
        $getRoot().append(paragraph)
        paragraph.select()
      })
      a.edit(() => {
        const selection = $getSelection()
        if (selection === null) throw new Error('expected a selection')
        $insertDataTransferForRichText(
          clipboard({ 'text/html': html, 'text/plain': 'H1\tH2\na\tb' }),
          selection,
        )
      })
      await expectConverged([a, b])
      for (const peer of [a, b]) {
        expect(tableTexts(peer), peer.name).toEqual([
          ['H1', 'H2'],
          ['a', 'b'],
        ])
      }
    })
  }
})

/** The part of a paste event's DataTransfer that Lexical reads. */
function clipboard(data: Record<string, string>): DataTransfer {
  return {
    types: Object.keys(data),
    files: [] as unknown as FileList,
    getData: (type: string) => data[type] ?? '',
  } as unknown as DataTransfer
}
