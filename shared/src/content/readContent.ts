/** A Lexical editor's document as Markdown, HTML, plain text or JSON: the one exporter of client and server. */
import { $generateHtmlFromNodes } from '@lexical/html'
import { $convertToMarkdownString } from '@lexical/markdown'
import { $getRoot, type LexicalEditor } from 'lexical'
import { documentContent } from '../editorNodes'
import type { ReadFormat } from './contentFormats'
import { MARKDOWN_TRANSFORMERS } from './nodeFormats'

/**
 * The editor's current document in `format`. HTML needs a DOM (`document`): the browser's, or on
 * the server `withDOM` from `@lexical/headless/dom` around this call. JSON is the document's nodes
 * without per-viewer properties (`documentContent`), as `{ "children": [...] }`.
 */
export function readContent(editor: LexicalEditor, format: ReadFormat): string {
  switch (format) {
    case 'markdown':
      // Lexical separates blocks with a blank line; a trailing newline makes a well-formed text file.
      return `${editor.read(() => $convertToMarkdownString(MARKDOWN_TRANSFORMERS))}\n`
    case 'html':
      return editor.read(() => $generateHtmlFromNodes(editor, null))
    case 'text':
      return editor.read(() => $getRoot().getTextContent())
    case 'json':
      return JSON.stringify({ children: documentContent(editor.getEditorState().toJSON()) })
  }
}
