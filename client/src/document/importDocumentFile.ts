/** A Markdown or HTML file as a new document: read, checked, and created on the server with its content. */
import { type CreateDocumentResponse, MAX_TITLE_LENGTH } from '@tandem/shared'
import { MAX_CONTENT_SOURCE_BYTES, type WriteFormat } from '@tandem/shared/content/contentFormats'
import { createDocument } from '../api/apiClient'

/** What the file picker offers. */
export const IMPORT_ACCEPT = '.md,.markdown,.txt,.html,.htm,text/markdown,text/plain,text/html'

/** A file that cannot be imported, with a message for the person who picked it. */
export class ImportRefusedError extends Error {
  override name = 'ImportRefusedError'
}

/** HTML by extension or type; anything else that is text is read as Markdown (plain text is valid Markdown). */
export function importFormatOf(file: Pick<File, 'name' | 'type'>): WriteFormat {
  return /\.html?$/i.test(file.name) || file.type === 'text/html' ? 'html' : 'markdown'
}

/** The file name without its extension: the new document's title. */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[^.]+$/, '').trim() || 'Untitled'
}

/**
 * Creates a document holding `file`'s content, titled after the file. Throws ImportRefusedError
 * for a file over the import limit, or the API's error.
 */
export async function importDocumentFile(
  file: File,
  creatorName: string | null,
): Promise<CreateDocumentResponse> {
  if (file.size > MAX_CONTENT_SOURCE_BYTES) {
    throw new ImportRefusedError(
      `${file.name} is ${Math.ceil(file.size / 1024)} KB; files up to ${MAX_CONTENT_SOURCE_BYTES / 1024} KB can be imported.`,
    )
  }
  const content = await file.text()
  return createDocument(
    { baseUrl: '' },
    {
      title: titleFromFileName(file.name).slice(0, MAX_TITLE_LENGTH),
      content,
      format: importFormatOf(file),
      ...(creatorName ? { name: creatorName } : {}),
    },
  )
}
