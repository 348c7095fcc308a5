/**
 * The editor's footer: words, characters and reading time of the document, or of the selection out
 * of the document's while text is selected. Counts at most once a frame, block by block
 * (DocumentCounter), so typing in a long document stays fast.
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $getSelection, type NodeKey } from 'lexical'
import { useEffect, useState } from 'react'
import { DocumentCounter } from './DocumentCounter'
import { countSelectedText, describeCounts, NO_TEXT, type TextCounts } from './textStats'

interface Counts {
  document: TextCounts
  selection: TextCounts | null
}

const sameCounts = (a: TextCounts | null, b: TextCounts | null) =>
  a === b || (a !== null && b !== null && a.words === b.words && a.characters === b.characters)

export function WordCountPlugin() {
  const [editor] = useLexicalComposerContext()
  const [counts, setCounts] = useState<Counts>({ document: NO_TEXT, selection: null })

  useEffect(() => {
    const counter = new DocumentCounter()
    // What the updates since the last count touched; everything until the first count.
    let everything = true
    const dirtyElements = new Map<NodeKey, boolean>()
    const dirtyLeaves = new Set<NodeKey>()
    let frame = 0
    const count = () => {
      frame = 0
      const state = editor.getEditorState()
      const document = counter.update(state, everything ? undefined : { dirtyElements, dirtyLeaves })
      everything = false
      dirtyElements.clear()
      dirtyLeaves.clear()
      const selection = state.read(() => {
        const selected = $getSelection()
        return selected === null || selected.isCollapsed()
          ? null
          : countSelectedText(selected.getTextContent())
      })
      setCounts((previous) =>
        sameCounts(previous.document, document) && sameCounts(previous.selection, selection)
          ? previous
          : { document, selection },
      )
    }
    count()
    const unregister = editor.registerUpdateListener((update) => {
      // The whole state replaced (only the root dirty, no leaf): count everything again.
      if (
        update.dirtyLeaves.size === 0 &&
        update.dirtyElements.size === 1 &&
        update.dirtyElements.has('root')
      ) {
        everything = true
      }
      for (const [key, intentional] of update.dirtyElements) dirtyElements.set(key, intentional)
      for (const key of update.dirtyLeaves) dirtyLeaves.add(key)
      if (frame === 0) frame = requestAnimationFrame(count)
    })
    return () => {
      unregister()
      cancelAnimationFrame(frame)
    }
  }, [editor])

  return (
    <div className="tandem-word-count" data-testid="word-count">
      <span className="tandem-visually-hidden">
        {counts.selection === null ? 'Document: ' : 'Selection: '}
      </span>
      {describeCounts(counts.document, counts.selection)}
    </div>
  )
}
