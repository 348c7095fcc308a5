/** The formats a document's content is read and written in over the API and in the app, and their bounds. */

/** What `GET /api/documents/:id/content?format=` returns. */
export const READ_FORMATS = ['markdown', 'html', 'text', 'json'] as const
export type ReadFormat = (typeof READ_FORMATS)[number]

/** What `PUT`/`POST /api/documents/:id/content` and `POST /api/documents` accept. */
export const WRITE_FORMATS = ['markdown', 'html'] as const
export type WriteFormat = (typeof WRITE_FORMATS)[number]

/** The media type each read format is served as. */
export const FORMAT_MEDIA_TYPES: Readonly<Record<ReadFormat, string>> = {
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** The file extension an exported document gets. */
export const FORMAT_FILE_EXTENSIONS: Readonly<Record<ReadFormat, string>> = {
  markdown: 'md',
  html: 'html',
  text: 'txt',
  json: 'json',
}

/**
 * Largest Markdown or HTML source imported at once (UTF-8 bytes): about 500 pages of prose, well
 * above any pasted or uploaded document, and what the import's parse and Lexical conversion finish
 * in well under a second on a small server (docs/api.md has the figures).
 */
export const MAX_CONTENT_SOURCE_BYTES = 1024 * 1024
/** Most nodes (blocks, list items, text runs, links) one import may create. */
export const MAX_CONTENT_NODES = 50_000
/** Deepest nesting one import may create (root children are depth 1; a list in a list item adds 2). */
export const MAX_CONTENT_DEPTH = 32

export function isReadFormat(value: unknown): value is ReadFormat {
  return typeof value === 'string' && (READ_FORMATS as readonly string[]).includes(value)
}

export function isWriteFormat(value: unknown): value is WriteFormat {
  return typeof value === 'string' && (WRITE_FORMATS as readonly string[]).includes(value)
}
