/** Writes API responses: JSON bodies, never cached (they carry tokens and keys), and the one error shape. */
import type { ServerResponse } from 'node:http'
import { type ApiErrorBody, type ApiErrorCode, HTTP_STATUS, type HttpStatus } from '@tandem/shared'

/** Sends `body` as JSON with `status`. */
export function sendJson(
  res: ServerResponse,
  status: HttpStatus,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(payload)
}

/** Sends `{ error: { code, message } }`. */
export function sendApiError(
  res: ServerResponse,
  status: HttpStatus,
  code: ApiErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body: ApiErrorBody = { error: { code, message } }
  sendJson(res, status, body, headers)
}

/** Sends an empty 204. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(HTTP_STATUS.NO_CONTENT, { 'Cache-Control': 'no-store' })
  res.end()
}
