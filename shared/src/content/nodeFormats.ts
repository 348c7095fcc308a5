/**
 * How each kind of content converts to and from Markdown and HTML: the one list to extend when the
 * editor gains a node. Order matters for Markdown (the first transformer that matches a line wins).
 */
import {
  CHECK_LIST,
  CODE,
  HEADING,
  INLINE_CODE,
  LINK,
  ORDERED_LIST,
  QUOTE,
  TEXT_FORMAT_TRANSFORMERS,
  type Transformer,
  UNORDERED_LIST,
} from '@lexical/markdown'
import type { HTMLConfig } from 'lexical'

export interface NodeFormat {
  /** What the entry covers, for readers and test names. */
  readonly name: string
  /** Markdown transformers (import and export), in the order they must be tried. */
  readonly markdown: readonly Transformer[]
  /**
   * HTML import/export overrides. Most nodes need none: their own `importDOM`/`exportDOM` (the node
   * class in EDITOR_NODES) already convert them; add one here only to change what Lexical does.
   */
  readonly html?: HTMLConfig
}

/**
 * Every format Tandem converts. To support a new node: add its class to EDITOR_NODES and one entry
 * here with its transformers (e.g. `@lexical/markdown`'s TABLE-like transformer, an image's
 * `![alt](src)` text-match transformer) and, when its DOM conversion needs changing, `html`.
 */
export const NODE_FORMATS: readonly NodeFormat[] = [
  { name: 'heading', markdown: [HEADING] },
  { name: 'quote', markdown: [QUOTE] },
  { name: 'code block', markdown: [CODE] },
  // Before the bullet list: "- [ ] x" is a check item, not a bullet starting with "[ ]".
  { name: 'check list', markdown: [CHECK_LIST] },
  { name: 'bullet list', markdown: [UNORDERED_LIST] },
  { name: 'numbered list', markdown: [ORDERED_LIST] },
  { name: 'inline code', markdown: [INLINE_CODE] },
  { name: 'text formats', markdown: TEXT_FORMAT_TRANSFORMERS.filter((t) => t !== INLINE_CODE) },
  { name: 'link', markdown: [LINK] },
]

/** NODE_FORMATS' Markdown transformers, in order: what import, export and shortcuts use. */
export const MARKDOWN_TRANSFORMERS: Transformer[] = NODE_FORMATS.flatMap((format) => format.markdown)

/** NODE_FORMATS' HTML overrides merged into one editor `html` config. */
export const HTML_CONFIG: HTMLConfig = {
  import: Object.assign({}, ...NODE_FORMATS.map((format) => format.html?.import ?? {})),
  export: new Map(NODE_FORMATS.flatMap((format) => [...(format.html?.export ?? new Map())])),
}
