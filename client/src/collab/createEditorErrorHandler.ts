/**
 * What the editor does when an update throws: Lexical drops that update, and when it was a remote
 * change the view no longer matches its document (docs/architecture.md, "Editor binding"). The
 * document is intact, so the view is rebuilt from it: the V2 plugin's CLEAR_DIFF_VERSIONS command
 * re-renders the whole tree from the Y.Doc. At most one rebuild per interval, so an error the
 * rebuild itself meets cannot loop.
 */
import { CLEAR_DIFF_VERSIONS_COMMAND__EXPERIMENTAL } from '@lexical/yjs'
import type { LexicalEditor } from 'lexical'

/** Rebuilds closer together than this are skipped (the error is still reported). */
export const REBUILD_INTERVAL_MS = 1000

export interface EditorErrorHandlerOptions {
  /** Where errors are reported; default console.error. */
  report?: (error: Error) => void
  now?: () => number
}

export interface EditorErrorHandler {
  /** For the editor's config: Lexical calls it with the error alone. */
  readonly onError: (error: Error) => void
  /** The editor to rebuild, once it exists (the config is made before the editor). */
  attach(editor: LexicalEditor): () => void
}

export function createEditorErrorHandler(options: EditorErrorHandlerOptions = {}): EditorErrorHandler {
  const report = options.report ?? ((error: Error) => console.error('Tandem editor error', error))
  const now = options.now ?? (() => Date.now())
  let lastRebuild = Number.NEGATIVE_INFINITY
  let attached: LexicalEditor | null = null
  return {
    onError(error) {
      report(error)
      const editor = attached
      if (editor === null || now() - lastRebuild < REBUILD_INTERVAL_MS) return
      lastRebuild = now()
      // After the failed update has unwound: a command dispatched inside it would join it.
      queueMicrotask(() => editor.dispatchCommand(CLEAR_DIFF_VERSIONS_COMMAND__EXPERIMENTAL, undefined))
    },
    attach(editor) {
      attached = editor
      return () => {
        if (attached === editor) attached = null
      }
    },
  }
}
