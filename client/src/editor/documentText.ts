/**
 * The document's text as find and the counts see it, read from Lexical nodes: runs of text within
 * blocks. Call inside `editor.read` / `editor.update` (the `$` prefix).
 */
import {
  $createRangeSelection,
  $getNodeByKey,
  $getRoot,
  $isElementNode,
  $isLineBreakNode,
  $isTextNode,
  type ElementNode,
  type LexicalNode,
  type TextNode,
} from 'lexical'
import type { DocumentMatch, TextSegment } from './findMatches'

/** A block: an element that is not inline (paragraph, heading, list item, quote, code). */
export const $isBlock = (node: LexicalNode): node is ElementNode => $isElementNode(node) && !node.isInline()

/**
 * Every run of text in document order: the text nodes of one block not separated by a line break, a
 * decorator or a nested block. Text in inline elements (links) joins the run around it.
 */
export function $readTextSegments(): TextSegment[] {
  const segments: TextSegment[] = []
  let pieces: { key: string; text: string }[] = []
  const endSegment = () => {
    if (pieces.length > 0) segments.push({ pieces })
    pieces = []
  }
  const visit = (element: ElementNode) => {
    for (const child of element.getChildren()) {
      if ($isTextNode(child)) {
        pieces.push({ key: child.getKey(), text: child.getTextContent() })
      } else if ($isElementNode(child)) {
        if (!child.isInline()) endSegment()
        visit(child)
        if (!child.isInline()) endSegment()
      } else {
        endSegment()
      }
    }
  }
  visit($getRoot())
  endSegment()
  return segments
}

/**
 * The block's own text, without its nested blocks (a list item's sub-list), line breaks as spaces.
 * Counting block by block lets the footer recount only the blocks an edit touched.
 */
export function $readOwnBlockText(block: ElementNode): string {
  let text = ''
  const visit = (element: ElementNode) => {
    for (const child of element.getChildren()) {
      if ($isTextNode(child)) text += child.getTextContent()
      else if ($isLineBreakNode(child)) text += ' '
      else if ($isElementNode(child) && child.isInline()) visit(child)
      else if (!$isElementNode(child)) text += ` ${child.getTextContent()} `
    }
  }
  visit(block)
  return text
}

/**
 * Replaces each match with `replacement`, last first so the offsets of the earlier ones stay valid.
 * A match inside one text node keeps that node's formatting; one across nodes takes the first's.
 * Matches whose nodes are gone (a collaborator deleted them meanwhile) are skipped.
 * Returns how many were replaced.
 */
export function $replaceMatches(matches: readonly DocumentMatch[], replacement: string): number {
  let replaced = 0
  for (let index = matches.length - 1; index >= 0; index--) {
    const match = matches[index]
    if (match !== undefined && $replaceMatch(match, replacement)) replaced++
  }
  return replaced
}

function $replaceMatch({ start, end }: DocumentMatch, replacement: string): boolean {
  const startNode = $getNodeByKey<TextNode>(start.key)
  const endNode = $getNodeByKey<TextNode>(end.key)
  if (!$isTextNode(startNode) || !$isTextNode(endNode)) return false
  if (start.offset > startNode.getTextContentSize() || end.offset > endNode.getTextContentSize()) return false
  if (startNode.is(endNode)) {
    if (end.offset < start.offset) return false
    startNode.spliceText(start.offset, end.offset - start.offset, replacement)
    return true
  }
  const range = $createRangeSelection()
  range.anchor.set(start.key, start.offset, 'text')
  range.focus.set(end.key, end.offset, 'text')
  range.format = startNode.getFormat()
  range.style = startNode.getStyle()
  range.insertText(replacement)
  return true
}
