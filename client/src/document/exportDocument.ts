/** A document as a file to download: Markdown, HTML (a standalone page) or plain text, from the live editor. */

import { type AppendixThread, writeCommentsAppendix } from '@tandem/shared'
import {
  FORMAT_FILE_EXTENSIONS,
  FORMAT_MEDIA_TYPES,
  type ReadFormat,
} from '@tandem/shared/content/contentFormats'
import { readContent } from '@tandem/shared/content/readContent'
import type { LexicalEditor } from 'lexical'

export type ExportFormat = Exclude<ReadFormat, 'json'>

export interface ExportedFile {
  readonly name: string
  readonly type: string
  readonly text: string
}

/** Longest file name stem, so odd titles still make names every file system takes. */
const MAX_FILE_STEM_LENGTH = 80

/**
 * Styles of the exported HTML page: readable on its own, in print too. The editor's theme classes
 * stay on the elements; these style the tags, so the page needs no stylesheet of the app.
 */
const EXPORT_PAGE_STYLE = `body{max-width:720px;margin:40px auto;padding:0 20px;font:16px/1.6 system-ui,sans-serif;color:#1d1f23}
h1,h2,h3{line-height:1.25}blockquote{margin:0 0 0 4px;padding-left:16px;border-left:4px solid #d0d4da;color:#555}
pre,code{font-family:ui-monospace,Menlo,monospace;background:#f4f5f7;border-radius:4px}pre{padding:12px;overflow:auto}
a{color:#2457d6}`

/** The editor's document as a file named after `title`, its comment threads (if any) as an appendix. */
export function exportDocument(
  editor: LexicalEditor,
  format: ExportFormat,
  title: string,
  comments: readonly AppendixThread[] = [],
): ExportedFile {
  const heading = title.trim() || 'Untitled'
  const content = readContent(editor, format) + writeCommentsAppendix(comments, format)
  const text = format === 'html' ? htmlPage(heading, content) : content
  return {
    name: `${fileStem(heading)}.${FORMAT_FILE_EXTENSIONS[format]}`,
    type: FORMAT_MEDIA_TYPES[format],
    text,
  }
}

/** Saves `file` through the browser's download. */
export function downloadFile(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has started from the URL; revoking after the click's task lets it finish reading.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${EXPORT_PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`
}

/** A title as a file name: no path separators, control or reserved characters, not too long. */
export function fileStem(title: string): string {
  const cleaned = title
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, MAX_FILE_STEM_LENGTH)
    .trim()
  return cleaned || 'Untitled'
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
