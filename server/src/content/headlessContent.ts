/**
 * A document's content without a browser: headless Lexical bound to a copy of the room's Y.Doc with
 * the web app's V2 binding and node set, to render it in any read format or to write Markdown or
 * HTML into it. Loaded on first use (the API's content routes): Lexical and happy-dom are heavy.
 */
import { createHeadlessEditor } from '@lexical/headless'
import { withDOM } from '@lexical/headless/dom'
import { bindEditorV2 } from '@tandem/shared/bindEditorV2'
import {
  ContentLimitError,
  MAX_CONTENT_DOCUMENT_BYTES,
  MAX_CONTENT_SOURCE_BYTES,
  type ReadFormat,
  type WriteFormat,
} from '@tandem/shared/content/contentFormats'
import { $importContent } from '@tandem/shared/content/importContent'
import { HTML_CONFIG } from '@tandem/shared/content/nodeFormats'
import { readContent } from '@tandem/shared/content/readContent'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { $createParagraphNode, $getRoot, type LexicalEditor } from 'lexical'
import * as Y from 'yjs'

/** Where written content goes: instead of everything (`replace`) or after it (`append`). */
export type WriteMode = 'replace' | 'append'

/** `doc`'s document in `format`, as the web app would show it. */
export function renderContent(doc: Y.Doc, format: ReadFormat): string {
  return inDomIf(format === 'html', () => {
    const session = openEditor(doc)
    try {
      return readContent(session.editor, format)
    } finally {
      session.close()
    }
  })
}

/**
 * The Yjs update that writes `source` into `doc`'s document, as an editor bound to it would; `doc`
 * is not changed. It depends only on what `doc` holds, and is written under a client id `doc` has
 * never used. Throws ContentLimitError for content past the import bounds, or Lexical's error.
 */
export function createContentEdit(
  doc: Y.Doc,
  mode: WriteMode,
  format: WriteFormat,
  source: string,
): Uint8Array {
  const sourceBytes = Buffer.byteLength(source)
  if (sourceBytes > MAX_CONTENT_SOURCE_BYTES) {
    throw new ContentLimitError(
      'source-bytes',
      `content is ${sourceBytes} bytes; at most ${MAX_CONTENT_SOURCE_BYTES} are imported at once`,
    )
  }
  return inDomIf(format === 'html', () => {
    const base = Y.encodeStateVector(doc)
    const session = openEditor(doc)
    try {
      session.editor.update(
        () => {
          const root = $getRoot()
          const blocks = $importContent(format, source)
          if (mode === 'replace') root.clear()
          root.append(...blocks)
          // The web app's editor always holds a block to type into.
          if (root.getChildrenSize() === 0) root.append($createParagraphNode())
        },
        { discrete: true },
      )
      session.throwIfFailed()
      // Against `doc`'s state vector: the binding's own normalizations while syncing in are included.
      return Y.encodeStateAsUpdate(session.scratch, base)
    } finally {
      session.close()
    }
  })
}

interface EditorSession {
  readonly editor: LexicalEditor
  /** The copy of the document the editor is bound to. */
  readonly scratch: Y.Doc
  /** Lexical reports errors inside updates to onError; this turns the first into a throw. */
  throwIfFailed(): void
  close(): void
}

/**
 * A headless editor showing `doc`, bound to a copy of it (never to `doc`: the binding writes).
 * Refuses documents past MAX_CONTENT_DOCUMENT_BYTES before any work in proportion to them.
 */
function openEditor(doc: Y.Doc): EditorSession {
  const state = Y.encodeStateAsUpdate(doc)
  if (state.byteLength > MAX_CONTENT_DOCUMENT_BYTES) {
    throw new ContentLimitError(
      'document-bytes',
      `the document (${state.byteLength} bytes) is larger than the content API handles (${MAX_CONTENT_DOCUMENT_BYTES})`,
    )
  }
  const errors: Error[] = []
  const editor = createHeadlessEditor({
    namespace: 'content',
    nodes: [...EDITOR_NODES],
    html: HTML_CONFIG,
    onError: (error) => {
      errors.push(error)
    },
  })
  const scratch = new Y.Doc()
  const used = Y.decodeStateVector(Y.encodeStateVector(doc))
  while (used.has(scratch.clientID)) scratch.clientID = Math.floor(Math.random() * 2 ** 32)
  const bound = bindEditorV2(editor, scratch)
  Y.applyUpdate(scratch, state)
  // The binding's update is queued; a discrete no-op update commits it now.
  editor.update(() => {}, { discrete: true })
  const throwIfFailed = () => {
    if (errors.length > 0) throw errors[0]
  }
  throwIfFailed()
  return {
    editor,
    scratch,
    throwIfFailed,
    close: () => {
      bound.unbind()
      scratch.destroy()
    },
  }
}

/** HTML parsing and serializing need a DOM; the other formats do not pay for one. */
function inDomIf<T>(needed: boolean, work: () => T): T {
  return needed ? withDOM(() => work()) : work()
}
