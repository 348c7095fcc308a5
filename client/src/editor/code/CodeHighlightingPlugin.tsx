/** Syntax highlighting of code blocks for this viewer (registerCodeHighlighting.ts says how and why). */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { useEffect } from 'react'
import { registerCodeHighlighting } from './registerCodeHighlighting'

export function CodeHighlightingPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerCodeHighlighting(editor), [editor])
  return null
}
