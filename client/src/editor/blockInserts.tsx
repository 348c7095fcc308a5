/**
 * What the `/` menu can insert or apply, as one list: adding a kind of block (an image, say) is one
 * entry here. Each entry runs inside the editor update that removed the typed `/query`, with the
 * caret where the `/` was.
 */
import { $createHorizontalRuleNode } from '@lexical/extension'
import { $patchStyleText } from '@lexical/selection'
import { INSERT_TABLE_COMMAND } from '@lexical/table'
import { $findMatchingParent, $insertNodeToNearestRoot } from '@lexical/utils'
import {
  $getRoot,
  $getSelection,
  $isElementNode,
  $isParagraphNode,
  $isRangeSelection,
  type ElementFormatType,
  FORMAT_ELEMENT_COMMAND,
  type LexicalEditor,
} from 'lexical'
import type { JSX } from 'react'
import { PICK_IMAGE_COMMAND } from '../images/imageCommands'
import type { BlockType } from './editorActions'
import { RUN_EDITOR_ACTION_COMMAND } from './editorCommands'
import {
  AlignIcon,
  BulletListIcon,
  CheckListIcon,
  CodeBlockIcon,
  ColorIcon,
  DividerIcon,
  ImageIcon,
  NumberListIcon,
  ParagraphIcon,
  QuoteIcon,
  TableIcon,
} from './icons'

export interface BlockInsert {
  /** Stable id: the menu option's key and test id (`insert-<id>`). */
  readonly id: string
  readonly label: string
  /** Other words a person might type after `/` for this entry. */
  readonly keywords: readonly string[]
  readonly icon: () => JSX.Element
  /** Runs inside an editor update. */
  readonly run: (editor: LexicalEditor) => void
}

/** Rows and columns of a table inserted from the menu or the toolbar; the first row is a header. */
export const NEW_TABLE_ROWS = 3
export const NEW_TABLE_COLUMNS = 3

/** Inserts an empty table with a header row at the caret (Lexical's table plugin handles the command). */
export function insertTable(editor: LexicalEditor): void {
  $replacingEmptyBlock(() =>
    editor.dispatchCommand(INSERT_TABLE_COMMAND, {
      rows: String(NEW_TABLE_ROWS),
      columns: String(NEW_TABLE_COLUMNS),
      includeHeaders: { rows: true, columns: false },
    }),
  )
}

/**
 * Runs `insert` (which puts a block after the caret's block) and removes the caret's block if it was
 * an empty paragraph: `/table` on an empty line should not leave the empty line above the table.
 */
function $replacingEmptyBlock(insert: () => void): void {
  const selection = $getSelection()
  const anchor = $isRangeSelection(selection) ? selection.anchor.getNode() : null
  const block = anchor === null ? null : $isParagraphNode(anchor) ? anchor : anchor.getParent()
  const emptyParagraph =
    $isParagraphNode(block) && block.getTextContent() === '' && block.getParent() === $getRoot()
  insert()
  if (emptyParagraph && block.isAttached() && block.getNextSibling() !== null) block.remove()
}

const block = (id: string, label: string, keywords: string[], icon: () => JSX.Element, type: BlockType) => ({
  id,
  label,
  keywords,
  icon,
  run: (editor: LexicalEditor) =>
    editor.dispatchCommand(RUN_EDITOR_ACTION_COMMAND, { type: 'block', block: type }),
})

const heading = (level: 1 | 2 | 3) => () => <span className="tandem-insert-glyph">H{level}</span>

const align = (format: Exclude<ElementFormatType, '' | 'start' | 'end'>, label: string): BlockInsert => ({
  id: `align-${format}`,
  label,
  keywords: ['align', format, 'alignment'],
  icon: () => <AlignIcon align={format} />,
  run: (editor) => editor.dispatchCommand(FORMAT_ELEMENT_COMMAND, format),
})

/**
 * Colours are theme variables (editor.css), not fixed values, so a red written in light mode is a red
 * that reads in dark mode too.
 */
const TEXT_COLORS = [
  ['red', 'Red'],
  ['green', 'Green'],
  ['blue', 'Blue'],
  ['purple', 'Purple'],
] as const
const HIGHLIGHTS = [
  ['yellow', 'Yellow'],
  ['green', 'Green'],
  ['blue', 'Blue'],
  ['pink', 'Pink'],
] as const

const textColor = ([name, label]: (typeof TEXT_COLORS)[number]): BlockInsert => ({
  id: `color-${name}`,
  label: `${label} text`,
  keywords: ['color', 'colour', 'text', name],
  icon: () => <ColorIcon color={`var(--tandem-text-${name})`} />,
  run: () => $styleCurrentBlock({ color: `var(--tandem-text-${name})` }),
})

const highlight = ([name, label]: (typeof HIGHLIGHTS)[number]): BlockInsert => ({
  id: `highlight-${name}`,
  label: `${label} highlight`,
  keywords: ['highlight', 'background', 'mark', name],
  icon: () => <ColorIcon color={`var(--tandem-highlight-${name})`} highlight />,
  run: () => $styleCurrentBlock({ 'background-color': `var(--tandem-highlight-${name})` }),
})

export const BLOCK_INSERTS: readonly BlockInsert[] = [
  block('paragraph', 'Text', ['paragraph', 'plain'], ParagraphIcon, 'paragraph'),
  block('h1', 'Heading 1', ['title', 'h1', 'heading'], heading(1), 'h1'),
  block('h2', 'Heading 2', ['subtitle', 'h2', 'heading'], heading(2), 'h2'),
  block('h3', 'Heading 3', ['h3', 'heading'], heading(3), 'h3'),
  {
    id: 'table',
    label: 'Table',
    keywords: ['grid', 'rows', 'columns', 'spreadsheet'],
    icon: TableIcon,
    run: insertTable,
  },
  block('bullet', 'Bulleted list', ['unordered', 'ul', 'bullet', 'list'], BulletListIcon, 'bullet'),
  block('number', 'Numbered list', ['ordered', 'ol', 'number', 'list'], NumberListIcon, 'number'),
  block('check', 'Check list', ['todo', 'task', 'checkbox', 'list'], CheckListIcon, 'check'),
  block('quote', 'Quote', ['blockquote', 'citation'], QuoteIcon, 'quote'),
  block('code', 'Code block', ['code', 'snippet', 'pre', 'program'], CodeBlockIcon, 'code'),
  {
    id: 'divider',
    label: 'Divider',
    keywords: ['horizontal', 'rule', 'hr', 'line', 'separator'],
    icon: DividerIcon,
    run: () =>
      $replacingEmptyBlock(() => {
        $insertNodeToNearestRoot($createHorizontalRuleNode())
      }),
  },
  align('left', 'Align left'),
  align('center', 'Align centre'),
  align('right', 'Align right'),
  align('justify', 'Justify'),
  ...TEXT_COLORS.map(textColor),
  ...HIGHLIGHTS.map(highlight),
  {
    id: 'clear-color',
    label: 'Default colours',
    keywords: ['color', 'colour', 'highlight', 'clear', 'remove', 'reset'],
    icon: () => <ColorIcon color="currentColor" />,
    run: () => $styleCurrentBlock({ color: null, 'background-color': null }),
  },
]

/** "Image": opens the file picker (ImagePlugin); only where uploads are possible (see blockInsertsFor). */
export const IMAGE_INSERT: BlockInsert = {
  id: 'image',
  label: 'Image',
  keywords: ['picture', 'photo', 'screenshot', 'upload', 'img'],
  icon: ImageIcon,
  run: (editor) => {
    editor.dispatchCommand(PICK_IMAGE_COMMAND, undefined)
  },
}

/** The menu's entries: the image entry after the divider when this editor can upload images. */
export function blockInsertsFor({ canInsertImages }: { canInsertImages: boolean }): readonly BlockInsert[] {
  if (!canInsertImages) return BLOCK_INSERTS
  const divider = BLOCK_INSERTS.findIndex((entry) => entry.id === 'divider')
  return [...BLOCK_INSERTS.slice(0, divider + 1), IMAGE_INSERT, ...BLOCK_INSERTS.slice(divider + 1)]
}

/**
 * Entries whose label or a keyword has a word starting with `query` (case-insensitive), label matches
 * first; every entry for an empty query.
 */
export function matchBlockInserts(
  query: string,
  entries: readonly BlockInsert[] = BLOCK_INSERTS,
): BlockInsert[] {
  const wanted = query.trim().toLowerCase()
  if (wanted === '') return [...entries]
  const words = (text: string) => text.toLowerCase().split(/[\s-]+/)
  const inLabel = entries.filter(
    (entry) =>
      entry.label.toLowerCase().startsWith(wanted) || words(entry.label).some((w) => w.startsWith(wanted)),
  )
  const inKeywords = entries.filter(
    (entry) => !inLabel.includes(entry) && entry.keywords.some((keyword) => keyword.startsWith(wanted)),
  )
  return [...inLabel, ...inKeywords]
}

/**
 * What Enter runs: the entry chosen from the list on screen while it still matches what was typed,
 * otherwise the best match of the typed query. On a slow machine Enter can come before the list has
 * re-rendered for the last keystroke, so the highlighted entry may belong to a shorter query ("/tab"
 * typed fast then Enter ran the first entry of "/", Heading 1, instead of Table). Null when nothing
 * matches.
 */
export function entryForTypedQuery(
  chosen: BlockInsert,
  typedQuery: string,
  entries: readonly BlockInsert[] = BLOCK_INSERTS,
): BlockInsert | null {
  const matches = matchBlockInserts(typedQuery, entries)
  return matches.includes(chosen) ? chosen : (matches[0] ?? null)
}

/**
 * Applies `style` to the text of the caret's block, like Notion's `/red`: the menu is opened with a
 * caret, not a selection. In an empty block the caret takes the style instead, so what is typed next
 * is coloured; in a block with text it does not, or every later block would be coloured too.
 */
function $styleCurrentBlock(style: Record<string, string | null>): void {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return
  // The nearest block (a paragraph in a table cell, not the whole table).
  const blockNode = $findMatchingParent(
    selection.anchor.getNode(),
    (node) => $isElementNode(node) && !node.isInline(),
  )
  if (!$isElementNode(blockNode)) return
  if (blockNode.getTextContent() === '') {
    $patchStyleText(selection, style)
    return
  }
  const caret = selection.clone()
  $patchStyleText(blockNode.select(0, blockNode.getChildrenSize()), style)
  const current = $getSelection()
  if ($isRangeSelection(current)) {
    current.anchor.set(caret.anchor.key, caret.anchor.offset, caret.anchor.type)
    current.focus.set(caret.focus.key, caret.focus.offset, caret.focus.type)
    // The caret keeps the style it had: the block's text changed colour, not what comes next.
    current.setStyle(caret.style)
  }
}
