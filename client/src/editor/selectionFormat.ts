/** Reads what the toolbar shows for the current selection: block type, inline formats, link. */
import { $isCodeNode } from '@lexical/code'
import { $isLinkNode } from '@lexical/link'
import { $isListNode, ListNode } from '@lexical/list'
import { $isHeadingNode, $isQuoteNode } from '@lexical/rich-text'
import { $findMatchingParent, $getNearestNodeOfType } from '@lexical/utils'
import { $getSelection, $isRangeSelection, $isRootOrShadowRoot, type LexicalNode } from 'lexical'
import type { BlockType, TextFormat } from './editorActions'

export interface SelectionFormat {
  block: BlockType
  formats: ReadonlySet<TextFormat>
  isLink: boolean
}

export const EMPTY_SELECTION_FORMAT: SelectionFormat = {
  block: 'paragraph',
  formats: new Set(),
  isLink: false,
}

const FORMATS_TO_READ: readonly TextFormat[] = ['bold', 'italic', 'underline', 'strikethrough', 'code']

/** Must run inside `editorState.read()` or `editor.read()`. */
export function $readSelectionFormat(): SelectionFormat {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return EMPTY_SELECTION_FORMAT
  const anchor = selection.anchor.getNode()
  const formats = new Set(FORMATS_TO_READ.filter((format) => selection.hasFormat(format)))
  const isLink = $isLinkNode(anchor.getParent()) || $isLinkNode(anchor)
  return { block: $blockTypeOf(anchor), formats, isLink }
}

function $blockTypeOf(anchor: LexicalNode): BlockType {
  const topLevel =
    anchor.getKey() === 'root'
      ? null
      : $findMatchingParent(anchor, (node) => {
          const parent = node.getParent()
          return parent !== null && $isRootOrShadowRoot(parent)
        })
  if (topLevel === null) return 'paragraph'
  if ($isListNode(topLevel)) {
    // Nested lists: the innermost list decides.
    const list = $getNearestNodeOfType(anchor, ListNode) ?? topLevel
    const type = list.getListType()
    return type === 'bullet' ? 'bullet' : type === 'number' ? 'number' : 'check'
  }
  if ($isHeadingNode(topLevel)) {
    const tag = topLevel.getTag()
    return tag === 'h1' || tag === 'h2' || tag === 'h3' ? tag : 'paragraph'
  }
  if ($isQuoteNode(topLevel)) return 'quote'
  if ($isCodeNode(topLevel)) return 'code'
  return 'paragraph'
}

/** Structural equality, so the toolbar re-renders only when something visible changed. */
export function sameSelectionFormat(a: SelectionFormat, b: SelectionFormat): boolean {
  if (a.block !== b.block || a.isLink !== b.isLink || a.formats.size !== b.formats.size) return false
  for (const format of a.formats) if (!b.formats.has(format)) return false
  return true
}
