/** Markdown or HTML as Lexical block nodes, within bounds: the one importer of client and server. */
import { $generateNodesFromDOM } from '@lexical/html'
import { $generateNodesFromMarkdownString } from '@lexical/markdown'
import {
  $createParagraphNode,
  $getEditor,
  $isDecoratorNode,
  $isElementNode,
  type ElementNode,
  type LexicalNode,
} from 'lexical'
import { ContentLimitError, MAX_CONTENT_DEPTH, MAX_CONTENT_NODES, type WriteFormat } from './contentFormats'
import { MARKDOWN_TRANSFORMERS } from './nodeFormats'

/**
 * Parses `source` into top-level block nodes (not yet attached), for the caller to append to the
 * root or insert at the selection. Call inside `editor.update`. HTML needs `DOMParser` (the
 * browser's, or `withDOM` on the server). Inline content at the top level (bare text, a lone link)
 * is wrapped in paragraphs, as the root only holds blocks. Throws ContentLimitError past
 * MAX_CONTENT_NODES nodes or MAX_CONTENT_DEPTH levels.
 */
export function $importContent(format: WriteFormat, source: string): ElementNode[] {
  const nodes =
    format === 'markdown'
      ? $generateNodesFromMarkdownString(source, MARKDOWN_TRANSFORMERS, false, false)
      : $generateNodesFromDOM($getEditor(), parseHtml(source))
  const blocks = wrapInlineRuns(nodes)
  checkBounds(blocks)
  return blocks
}

/** The global DOMParser's document; typed here because the server compiles this without the DOM lib. */
function parseHtml(html: string): Parameters<typeof $generateNodesFromDOM>[1] {
  const { DOMParser } = globalThis as unknown as {
    DOMParser: new () => { parseFromString(source: string, type: string): unknown }
  }
  return new DOMParser().parseFromString(html, 'text/html') as Parameters<typeof $generateNodesFromDOM>[1]
}

/** Groups top-level inline nodes into paragraphs; blocks pass through. */
function wrapInlineRuns(nodes: readonly LexicalNode[]): ElementNode[] {
  const blocks: ElementNode[] = []
  let run: ElementNode | null = null
  for (const node of nodes) {
    if ($isElementNode(node) && !node.isInline()) {
      blocks.push(node)
      run = null
    } else if ($isDecoratorNode(node) && !node.isInline()) {
      // A block decorator (an image, once there is one) stands alone; wrapped, it would be invalid.
      blocks.push(node as unknown as ElementNode)
      run = null
    } else {
      if (run === null) {
        run = $createParagraphNode()
        blocks.push(run)
      }
      run.append(node)
    }
  }
  return blocks
}

function checkBounds(blocks: readonly LexicalNode[]): void {
  let count = 0
  const stack: Array<{ node: LexicalNode; depth: number }> = blocks.map((node) => ({ node, depth: 1 }))
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    count++
    if (count > MAX_CONTENT_NODES) {
      throw new ContentLimitError('nodes', `content has more than ${MAX_CONTENT_NODES} nodes`)
    }
    if (depth > MAX_CONTENT_DEPTH) {
      throw new ContentLimitError('depth', `content nests deeper than ${MAX_CONTENT_DEPTH} levels`)
    }
    if ($isElementNode(node)) {
      for (const child of node.getChildren()) stack.push({ node: child, depth: depth + 1 })
    }
  }
}
