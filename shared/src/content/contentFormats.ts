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
 * Largest Markdown or HTML source imported at once (UTF-8 bytes): about 250 pages of prose. Import
 * runs on the server's event loop; docs/api.md has what it costs.
 */
export const MAX_CONTENT_SOURCE_BYTES = 512 * 1024
/** Most nodes (blocks, list items, text runs, links) one import may create. */
export const MAX_CONTENT_NODES = 25_000
/** Deepest nesting one import may create (root children are depth 1; a list in a list item adds 2). */
export const MAX_CONTENT_DEPTH = 32
/**
 * Largest document (its encoded Yjs state) the server renders or edits through the content API:
 * rendering takes time in proportion to it, on the event loop (about 3.5 s per MB of state measured
 * on a loaded 2-core machine, docs/api.md), so this keeps one call to seconds. Larger documents are
 * still edited live; the API answers 413 for them.
 */
export const MAX_CONTENT_DOCUMENT_BYTES = 4 * 1024 * 1024

/** Which content bound a request passed. */
export type ContentLimit = 'source-bytes' | 'nodes' | 'depth' | 'document-bytes'

/** Content or a document past one of the bounds above; nothing was changed. The API answers 413. */
export class ContentLimitError extends Error {
  override name = 'ContentLimitError'
  constructor(
    readonly limit: ContentLimit,
    message: string,
  ) {
    super(message)
  }
}

/** Body of `PUT`/`POST /api/documents/:id/content`; `POST /api/documents` takes the same two fields. */
export interface WriteContentRequest {
  format: WriteFormat
  /** At most MAX_CONTENT_SOURCE_BYTES of UTF-8. */
  content: string
}

export function isReadFormat(value: unknown): value is ReadFormat {
  return typeof value === 'string' && (READ_FORMATS as readonly string[]).includes(value)
}

export function isWriteFormat(value: unknown): value is WriteFormat {
  return typeof value === 'string' && (WRITE_FORMATS as readonly string[]).includes(value)
}
