/** Puts the caret at the start of the document and focuses the editor (after the title, after the name prompt). */
import { $getRoot, type LexicalEditor } from 'lexical'

export function focusDocumentStart(editor: LexicalEditor): void {
  // Discrete: the selection must be committed before focus() marks it for the DOM.
  editor.update(
    () => {
      const root = $getRoot()
      if (root.getChildrenSize() > 0) root.selectStart()
    },
    { discrete: true },
  )
  editor.focus()
  // An empty document (no paragraph until the first keystroke) has no selection to restore.
  const root = editor.getRootElement()
  if (root !== null && !root.contains(root.ownerDocument.activeElement)) root.focus({ preventScroll: true })
}
