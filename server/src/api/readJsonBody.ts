/** Reads a request's JSON object body within a size limit; refusals are ApiErrors (400, 413, 415). */
import type { IncomingMessage } from 'node:http'
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import { ApiError } from '../http/ApiError'
import { RequestAbortedError } from './RequestAbortedError'

/** Default body limit: API bodies are a few short strings. */
export const MAX_JSON_BODY_BYTES = 16 * 1024
/**
 * Oversized bodies up to this size are left for Node to drain, so the client reads our 413 instead of
 * a connection reset; beyond it the connection is closed after the answer.
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024

/**
 * The parsed body, which must be a JSON object sent as `application/json`; undefined when the request
 * has no body at all (callers decide whether one is required).
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number = MAX_JSON_BODY_BYTES,
): Promise<Record<string, unknown> | undefined> {
  const declaredLength = req.headers['content-length']
  const chunked = req.headers['transfer-encoding'] !== undefined
  if (!chunked && (declaredLength === undefined || declaredLength === '0')) return undefined
  const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw new ApiError(
      HTTP_STATUS.UNSUPPORTED_MEDIA_TYPE,
      API_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
      'request body must be application/json',
      { closeConnection: Number(declaredLength) > DRAIN_LIMIT_BYTES || chunked },
    )
  }
  if (Number(declaredLength) > maxBytes) throw tooLarge(maxBytes, Number(declaredLength) > DRAIN_LIMIT_BYTES)
  const bytes = await readLimited(req, maxBytes)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.INVALID_JSON,
      'request body is not valid UTF-8',
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.INVALID_JSON,
      'request body is not valid JSON',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(
      HTTP_STATUS.BAD_REQUEST,
      API_ERROR_CODES.BAD_REQUEST,
      'request body must be a JSON object',
    )
  }
  return value as Record<string, unknown>
}

function tooLarge(maxBytes: number, closeConnection: boolean): ApiError {
  return new ApiError(
    HTTP_STATUS.PAYLOAD_TOO_LARGE,
    API_ERROR_CODES.PAYLOAD_TOO_LARGE,
    `request body exceeds ${maxBytes} bytes`,
    { closeConnection },
  )
}

/** Buffers at most `maxBytes`; a chunked body that runs past it is refused (413) as soon as it does. */
export function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        cleanup()
        // The rest keeps flowing into the void until the response ends and the connection closes.
        req.resume()
        reject(tooLarge(maxBytes, true))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    // Node reports a client that hangs up mid-body as 'aborted' errors or a bare close: the client's
    // doing, never a server failure, so it is not logged as one.
    const onError = (error: Error) => {
      cleanup()
      reject(new RequestAbortedError('request closed before its body ended', { cause: error }))
    }
    const onClose = () => onError(new Error('closed'))
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}
