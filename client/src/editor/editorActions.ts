/** What the toolbar and the keyboard shortcuts can do to the editor, as one typed vocabulary. */
import { $createCodeNode } from '@lexical/code'
import { $toggleLink } from '@lexical/link'
import {
  INSERT_CHECK_LIST_COMMAND,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  REMOVE_LIST_COMMAND,
} from '@lexical/list'
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text'
import { $setBlocksType } from '@lexical/selection'
import {
  $createParagraphNode,
  $getRoot,
  $getSelection,
  $isRangeSelection,
  $setSelection,
  type BaseSelection,
  FORMAT_TEXT_COMMAND,
  type LexicalEditor,
  REDO_COMMAND,
  UNDO_COMMAND,
} from 'lexical'

export const BLOCK_TYPES = [
  'paragraph',
  'h1',
  'h2',
  'h3',
  'bullet',
  'number',
  'check',
  'quote',
  'code',
] as const
export type BlockType = (typeof BLOCK_TYPES)[number]

export const TEXT_FORMATS = ['bold', 'italic', 'underline', 'strikethrough', 'code'] as const
export type TextFormat = (typeof TEXT_FORMATS)[number]

export type EditorAction =
  | { type: 'block'; block: BlockType }
  | { type: 'format'; format: TextFormat }
  /** Opens the link editor (or removes the link when the selection is in one). */
  | { type: 'link' }
  | { type: 'undo' }
  | { type: 'redo' }
  /** Runs the `/` menu's entry with this id (blockInserts.tsx), e.g. a table from the toolbar. */
  | { type: 'insert'; id: string }

const LIST_COMMANDS = {
  bullet: INSERT_UNORDERED_LIST_COMMAND,
  number: INSERT_ORDERED_LIST_COMMAND,
  check: INSERT_CHECK_LIST_COMMAND,
} as const

/**
 * Turns the selected blocks into `block`; choosing the current list or heading type again turns it
 * back into a paragraph (a toggle, like most editors).
 */
export function applyBlockType(editor: LexicalEditor, block: BlockType, current: BlockType): void {
  const target: BlockType = block === current && block !== 'paragraph' ? 'paragraph' : block
  if (current === 'bullet' || current === 'number' || current === 'check') {
    if (target === 'paragraph') {
      editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined)
      return
    }
  }
  if (target === 'bullet' || target === 'number' || target === 'check') {
    // One update: called from a command listener (already inside an update), a separate
    // editor.update would be queued and run after the list command it must precede.
    editor.update(() => {
      $ensureBlockToFormat()
      editor.dispatchCommand(LIST_COMMANDS[target], undefined)
    })
    return
  }
  editor.update(() => {
    $ensureBlockToFormat()
    const selection = $getSelection()
    if (!$isRangeSelection(selection)) return
    switch (target) {
      case 'paragraph':
        $setBlocksType(selection, () => $createParagraphNode())
        return
      case 'h1':
      case 'h2':
      case 'h3':
        $setBlocksType(selection, () => $createHeadingNode(target))
        return
      case 'quote':
        $setBlocksType(selection, () => $createQuoteNode())
        return
      case 'code':
        $setBlocksType(selection, () => $createCodeNode())
        return
    }
  })
}

/** Toggles an inline format on the selection. */
export function toggleTextFormat(editor: LexicalEditor, format: TextFormat): void {
  editor.dispatchCommand(FORMAT_TEXT_COMMAND, format)
}

export function undo(editor: LexicalEditor): void {
  editor.dispatchCommand(UNDO_COMMAND, undefined)
}

export function redo(editor: LexicalEditor): void {
  editor.dispatchCommand(REDO_COMMAND, undefined)
}

/** Sets (or with null removes) a link on `selection`, which was captured before focus left the editor. */
export function setLink(editor: LexicalEditor, selection: BaseSelection | null, url: string | null): void {
  editor.update(() => {
    if (selection !== null) $setSelection(selection.clone())
    $toggleLink(url)
  })
  editor.focus()
}

/**
 * Accepts http(s) and mailto links; a bare host like `example.com` becomes https. Returns null for
 * anything else (javascript:, data:, ...), which must never become a link.
 */
export function normalizeLinkUrl(input: string): string | null {
  const trimmed = input.trim()
  if (trimmed === '') return null
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(trimmed) ? trimmed : `https://${trimmed}`
  try {
    const url = new URL(withScheme)
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:'
      ? url.toString()
      : null
  } catch {
    return null
  }
}

// A brand-new document has an empty root (no bootstrap paragraph, see docs/embedding.md): give the
// block commands a paragraph to work on.
export function $ensureBlockToFormat(): void {
  const root = $getRoot()
  if (!root.isEmpty()) return
  const paragraph = $createParagraphNode()
  root.append(paragraph)
  paragraph.select()
}
