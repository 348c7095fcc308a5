/** Reads `{ format, content }` (a write of Markdown or HTML) from a JSON body; refusals are ApiErrors. */
import type { IncomingMessage } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import {
  ContentLimitError,
  isWriteFormat,
  MAX_CONTENT_SOURCE_BYTES,
  WRITE_FORMATS,
  type WriteContentRequest,
} from '@tandem/shared/content/contentFormats'
import { ApiError } from '../http/ApiError'
import { readJsonBody } from './readJsonBody'

/**
 * Largest JSON body of a request carrying content: JSON escaping can double a source (quotes,
 * backslashes, newlines), and the other fields are short.
 */
export const MAX_CONTENT_BODY_BYTES = 2 * MAX_CONTENT_SOURCE_BYTES + 16 * 1024

/** The body, for routes whose body may carry content. */
export function readContentRequestBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return readJsonBody(req, MAX_CONTENT_BODY_BYTES)
}

/**
 * `body.content` and `body.format`: undefined when both are absent and `required` is false; 400 for
 * a missing or unknown format or a content that is not a string, 413 past MAX_CONTENT_SOURCE_BYTES.
 */
export function readContentFields(
  body: Readonly<Record<string, unknown>> | undefined,
  required: boolean,
): WriteContentRequest | undefined {
  const content = body?.content
  const format = body?.format
  if (content === undefined && format === undefined && !required) return undefined
  if (typeof content !== 'string') throw badRequest('content must be a string')
  if (!isWriteFormat(format)) throw badRequest(`format must be one of ${WRITE_FORMATS.join(', ')}`)
  const bytes = Buffer.byteLength(content)
  if (bytes > MAX_CONTENT_SOURCE_BYTES) {
    throw new ContentLimitError(
      'source-bytes',
      `content is ${bytes} bytes; at most ${MAX_CONTENT_SOURCE_BYTES} are imported at once`,
    )
  }
  return { format, content }
}

function badRequest(message: string): ApiError {
  return new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, message)
}
