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
import { TableNode } from '@lexical/table'
import type { HTMLConfig } from 'lexical'
import { codeLanguageImport, exportTableDOM } from './htmlOverrides'
import { IMAGE } from './markdownImage'
import { createTableTransformer, DIVIDER } from './markdownTable'

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
  /**
   * False when typing the Markdown in the editor should not convert it (an image line typed by hand
   * is text someone is writing, not a request for a placeholder). Default true.
   */
  readonly shortcut?: boolean
}

/**
 * Every format Tandem converts. To support a new node: add its class to EDITOR_NODES and one entry
 * here with its transformers (e.g. `@lexical/markdown`'s TABLE-like transformer, an image's
 * `![alt](src)` text-match transformer) and, when its DOM conversion needs changing, `html`.
 */
export const NODE_FORMATS: readonly NodeFormat[] = [
  { name: 'heading', markdown: [HEADING] },
  { name: 'quote', markdown: [QUOTE] },
  // The language is ```lang in Markdown and data-language on <pre> in HTML (CodeNode's own DOM
  // conversion); codeLanguageImport adds the `<pre><code class="language-x">` other tools write.
  { name: 'code block', markdown: [CODE], html: { import: codeLanguageImport } },
  // Before the lists and text formats: "***" and "---" alone on a line are dividers.
  { name: 'divider', markdown: [DIVIDER] },
  // `![alt](uploads/<hash> "caption")` alone on a line; HTML is ImageNode's own (<figure> with a caption).
  { name: 'image', markdown: [IMAGE], shortcut: false },
  // Cells are converted with every transformer but this one (Markdown has no nested tables).
  {
    name: 'table',
    markdown: [createTableTransformer(() => CELL_TRANSFORMERS)],
    // Lexical's importDOM/exportDOM (<table>, <tr>, <th>/<td>, colspan, widths); only the export's
    // last step is wrapped, see exportTableDOM.
    html: { export: new Map([[TableNode, exportTableDOM]]) },
  },
  // Before the bullet list: "- [ ] x" is a check item, not a bullet starting with "[ ]".
  { name: 'check list', markdown: [CHECK_LIST] },
  { name: 'bullet list', markdown: [UNORDERED_LIST] },
  { name: 'numbered list', markdown: [ORDERED_LIST] },
  { name: 'inline code', markdown: [INLINE_CODE] },
  { name: 'text formats', markdown: TEXT_FORMAT_TRANSFORMERS.filter((t) => t !== INLINE_CODE) },
  { name: 'link', markdown: [LINK] },
]

/** NODE_FORMATS' Markdown transformers, in order: what import and export use. */
export const MARKDOWN_TRANSFORMERS: Transformer[] = NODE_FORMATS.flatMap((format) => format.markdown)

/** The transformers that act while typing (MarkdownShortcutPlugin). */
export const MARKDOWN_SHORTCUTS: Transformer[] = NODE_FORMATS.filter(
  (format) => format.shortcut !== false,
).flatMap((format) => format.markdown)

/** What a table cell's content converts with: everything but tables. */
const CELL_TRANSFORMERS: Transformer[] = NODE_FORMATS.filter((format) => format.name !== 'table').flatMap(
  (format) => format.markdown,
)

/** NODE_FORMATS' HTML overrides merged into one editor `html` config. */
export const HTML_CONFIG: HTMLConfig = {
  import: Object.assign({}, ...NODE_FORMATS.map((format) => format.html?.import ?? {})),
  export: new Map(NODE_FORMATS.flatMap((format) => [...(format.html?.export ?? new Map())])),
}
