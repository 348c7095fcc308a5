/**
 * Keeps the document's word and character counts up to date block by block: an edit recounts only the
 * blocks it touched, so a keystroke in a long document costs as much as in a short one.
 */
import { $findMatchingParent } from '@lexical/utils'
import { $getNodeByKey, $getRoot, type EditorState, type ElementNode, type NodeKey } from 'lexical'
import { $isBlock, $readOwnBlockText } from './documentText'
import { addCounts, countText, NO_TEXT, type TextCounts } from './textStats'

/** What Lexical's update listener reports about an update (its `dirtyElements` and `dirtyLeaves`). */
export interface DirtyNodes {
  dirtyElements: ReadonlyMap<NodeKey, boolean>
  dirtyLeaves: ReadonlySet<NodeKey>
}

export class DocumentCounter {
  private readonly blocks = new Map<NodeKey, TextCounts>()
  private counted = false
  private total = NO_TEXT

  /**
   * Brings the counts up to `state` after an update that touched `dirty` (all of it without `dirty`)
   * and returns the document's totals. Lexical marks every ancestor of a changed node dirty, so the
   * dirty elements name every block whose text may have changed.
   */
  update(state: EditorState, dirty?: DirtyNodes): TextCounts {
    // Nothing dirty: the selection moved.
    if (this.counted && dirty?.dirtyElements.size === 0 && dirty.dirtyLeaves.size === 0) return this.total
    state.read(() => {
      // Only the root dirty and no leaf: the whole state was replaced (setEditorState).
      const replaced =
        dirty === undefined ||
        (dirty.dirtyLeaves.size === 0 && dirty.dirtyElements.size === 1 && dirty.dirtyElements.has('root'))
      if (!this.counted || replaced) {
        this.countAll()
        return
      }
      for (const key of dirty.dirtyElements.keys()) this.recount(key)
      for (const key of dirty.dirtyLeaves) this.recount(key)
      for (const key of this.blocks.keys()) {
        if ($getNodeByKey(key) === null) this.blocks.delete(key)
      }
    })
    let total = NO_TEXT
    for (const counts of this.blocks.values()) total = addCounts(total, counts)
    this.total = total
    return total
  }

  private countAll(): void {
    this.blocks.clear()
    const visit = (element: ElementNode) => {
      for (const child of element.getChildren()) {
        if ($isBlock(child)) {
          this.blocks.set(child.getKey(), countText($readOwnBlockText(child)))
          visit(child)
        }
      }
    }
    visit($getRoot())
    this.counted = true
  }

  private recount(key: NodeKey): void {
    const node = $getNodeByKey(key)
    if (node === null) {
      this.blocks.delete(key)
      return
    }
    const block = $isBlock(node) ? node : $findMatchingParent(node, $isBlock)
    if (block === null || block.getKey() === 'root') return
    this.blocks.set(block.getKey(), countText($readOwnBlockText(block)))
  }
}
