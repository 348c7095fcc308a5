/**
 * Draws syntax highlighting over code blocks with the CSS Custom Highlight API: ranges over the text
 * the editor rendered, not nodes in the document. Lexical's own highlighters rewrite a block's text
 * into CodeHighlightNodes; under collaboration every viewer would then write its own re-tokenizing
 * into the shared document on each keystroke, concurrently with the typist. Here the document keeps
 * plain text and only its language; each viewer paints the colours locally.
 */
import { $isCodeNode, CodeNode } from '@lexical/code'
import { mergeRegister } from '@lexical/utils'
import { $getNodeByKey, type LexicalEditor, type NodeKey } from 'lexical'
import { type CodeToken, TOKEN_CATEGORIES, type TokenCategory, tokenizeCode } from './codeTokens'

/** `CSS.highlights` where the browser has it (Chromium 105+, Safari 17.2+, Firefox 140+). */
function highlightRegistry(): HighlightRegistry | null {
  return typeof CSS !== 'undefined' && 'highlights' in CSS ? CSS.highlights : null
}

/** The highlight name of a category: `::highlight(tandem-code-keyword)` in editor.css. */
export const highlightName = (category: TokenCategory) => `tandem-code-${category}`

/**
 * Keeps the highlighting of `editor`'s code blocks current; returns the unregister function. Each
 * editor adds and removes only its own ranges in the page-wide highlights, so several editors on one
 * page share them.
 */
export function registerCodeHighlighting(editor: LexicalEditor): () => void {
  const registry = highlightRegistry()
  if (registry === null) return () => {}
  const highlights = new Map<TokenCategory, Highlight>()
  for (const category of TOKEN_CATEGORIES) {
    const name = highlightName(category)
    const existing = registry.get(name)
    const highlight = existing ?? new Highlight()
    if (existing === undefined) registry.set(name, highlight)
    highlights.set(category, highlight)
  }
  /** This editor's ranges, per code block. */
  const drawn = new Map<NodeKey, Array<[TokenCategory, Range]>>()

  const erase = (key: NodeKey) => {
    for (const [category, range] of drawn.get(key) ?? []) highlights.get(category)?.delete(range)
    drawn.delete(key)
  }
  const draw = (key: NodeKey, language: string | null | undefined) => {
    erase(key)
    const element = editor.getElementByKey(key)
    if (element === null) return
    const text = renderedText(element)
    const ranges = tokenRanges(text, tokenizeCode(text.value, language))
    for (const [category, range] of ranges) highlights.get(category)?.add(range)
    drawn.set(key, ranges)
  }

  return mergeRegister(
    editor.registerUpdateListener(({ editorState, dirtyElements }) => {
      editorState.read(() => {
        for (const key of drawn.keys()) {
          if (!$isCodeNode($getNodeByKey(key))) erase(key)
        }
        for (const [key] of dirtyElements) {
          const node = $getNodeByKey(key)
          // A code block is dirty whenever its text or language changed (Lexical marks the parents of
          // changed nodes dirty too).
          if ($isCodeNode(node)) draw(key, node.getLanguage())
        }
      })
    }),
    // Blocks that exist when the editor mounts, or whose DOM was rebuilt without a change of content.
    editor.registerMutationListener(
      CodeNode,
      (mutations) => {
        editor.getEditorState().read(() => {
          for (const [key, mutation] of mutations) {
            const node = $getNodeByKey(key)
            if (mutation === 'destroyed' || !$isCodeNode(node)) erase(key)
            else draw(key, node.getLanguage())
          }
        })
      },
      { skipInitialization: false },
    ),
    () => {
      for (const key of [...drawn.keys()]) erase(key)
    },
  )
}

interface RenderedText {
  value: string
  /** Each DOM text node and where its characters start in `value`. */
  pieces: Array<{ node: Text; start: number }>
}

/** The block's text as rendered: DOM text nodes in order, a <br> counting as one newline. */
function renderedText(element: HTMLElement): RenderedText {
  const pieces: RenderedText['pieces'] = []
  let value = ''
  const walker = element.ownerDocument.createTreeWalker(
    element,
    NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT,
  )
  for (let current = walker.nextNode(); current !== null; current = walker.nextNode()) {
    if (current.nodeType === Node.TEXT_NODE) {
      pieces.push({ node: current as Text, start: value.length })
      value += (current as Text).data
    } else if ((current as Element).tagName === 'BR') {
      value += '\n'
    }
  }
  return { value, pieces }
}

/** DOM ranges for the tokens, found by offset in the rendered text. */
function tokenRanges(text: RenderedText, tokens: CodeToken[]): Array<[TokenCategory, Range]> {
  // Tokens come in order and do not overlap, so one cursor walks the text nodes once.
  let cursor = 0
  const locate = (offset: number, preferNext: boolean): [Text, number] | null => {
    // The text node holding `offset`; at a boundary between two, a start takes the next one.
    while (cursor < text.pieces.length) {
      const piece = text.pieces[cursor]!
      const end = piece.start + piece.node.data.length
      if (offset < end || (offset === end && !preferNext)) break
      cursor++
    }
    const piece = text.pieces[cursor]
    return piece === undefined || offset < piece.start ? null : [piece.node, offset - piece.start]
  }
  const ranges: Array<[TokenCategory, Range]> = []
  for (const token of tokens) {
    const start = locate(token.start, true)
    const end = locate(token.end, false)
    if (start === null || end === null) continue
    const range = new Range()
    range.setStart(start[0], start[1])
    range.setEnd(end[0], end[1])
    ranges.push([token.category, range])
  }
  return ranges
}
