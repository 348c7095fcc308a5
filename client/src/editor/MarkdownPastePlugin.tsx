/**
 * Pastes Markdown as rich text: when the clipboard holds only plain text that looks like Markdown
 * (headings, lists, check items, quotes, code fences, **bold**, links), it is converted with the
 * document's own transformers. Rich clipboard content (HTML from another page or app) pastes as
 * before, and so does ordinary prose; Ctrl/Cmd+Shift+V (paste as plain text) is never converted.
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $importContent } from '@tandem/shared/content/importContent'
import { looksLikeMarkdown } from '@tandem/shared/content/looksLikeMarkdown'
import { $getSelection, $isRangeSelection, COMMAND_PRIORITY_LOW, PASTE_COMMAND } from 'lexical'
import { useEffect } from 'react'

/** Clipboard types that mean the source already said how its text is formatted. */
const RICH_TYPES = ['text/html', 'application/x-lexical-editor', 'Files']

export function MarkdownPastePlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(
    () =>
      // Above the rich-text plugin's own paste handler (COMMAND_PRIORITY_EDITOR), which it replaces here.
      editor.registerCommand(
        PASTE_COMMAND,
        (event) => {
          const data = 'clipboardData' in event ? event.clipboardData : null
          if (data === null || data.types.some((type) => RICH_TYPES.includes(type))) return false
          const text = data.getData('text/plain')
          if (!looksLikeMarkdown(text)) return false
          const selection = $getSelection()
          if (!$isRangeSelection(selection)) return false
          let blocks: ReturnType<typeof $importContent>
          try {
            blocks = $importContent('markdown', text)
          } catch {
            // Past the import bounds: paste it as the text it is.
            return false
          }
          event.preventDefault()
          selection.insertNodes(blocks)
          return true
        },
        COMMAND_PRIORITY_LOW,
      ),
    [editor],
  )
  return null
}
