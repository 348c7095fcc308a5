/**
 * Keeps list item numbers right after remote changes. A list item's number is derived from its
 * position and is not synced (UNSYNCED_PROPERTIES); Lexical's list transform renumbers on local edits
 * only, because the binding applies remote changes without transforms.
 */
import { $isListItemNode, $isListNode, type ListNode } from '@lexical/list'
import { $getNodeByKey, COLLABORATION_TAG, HISTORIC_TAG, type LexicalEditor } from 'lexical'

/** The numbers a list's items should carry: nested-list holders take the next item's number. */
function $misnumbered(list: ListNode): boolean {
  let value = list.getStart()
  for (const child of list.getChildren()) {
    if (!$isListItemNode(child)) continue
    if (child.getValue() !== value) return true
    if (!$isListNode(child.getFirstChild())) value++
  }
  return false
}

function $renumber(list: ListNode): void {
  let value = list.getStart()
  for (const child of list.getChildren()) {
    if (!$isListItemNode(child)) continue
    if (child.getValue() !== value) child.setValue(value)
    if (!$isListNode(child.getFirstChild())) value++
  }
}

/** Renumbers the lists a remote (or undo/redo) update touched. Returns the unregister function. */
export function registerListNumbering(editor: LexicalEditor): () => void {
  return editor.registerUpdateListener(({ tags, dirtyElements, editorState }) => {
    if (!tags.has(COLLABORATION_TAG) && !tags.has(HISTORIC_TAG)) return
    const stale = editorState.read(() =>
      [...dirtyElements.keys()].filter((key) => {
        const node = $getNodeByKey(key)
        return $isListNode(node) && $misnumbered(node)
      }),
    )
    if (stale.length === 0) return
    // Transforms stay off: they could merge adjacent lists, a structural edit every peer would make
    // at once; only the unsynced numbers change here, so nothing is sent.
    editor.update(
      () => {
        for (const key of stale) {
          const list = $getNodeByKey(key)
          if ($isListNode(list)) $renumber(list)
        }
      },
      { skipTransforms: true },
    )
  })
}
