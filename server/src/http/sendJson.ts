/** JSON responses, including the one error shape `{ error: { code, message } }` every route uses. */
import type { ServerResponse } from 'node:http'
import type { ApiErrorBody } from '@tandem/shared'
import type { HttpError } from './HttpError'

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message } }
  sendJson(res, error.status, body, headers)
}
