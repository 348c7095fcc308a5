/** The document API as tests call it over real HTTP: create a document, exchange its keys, admin tokens. */
import { type CreateDocumentResponse, createToken, type TokenResponse } from '@tandem/shared'
import { expect } from 'vitest'

export interface CreatedDocument {
  readonly created: CreateDocumentResponse
  readonly editKey: string
  readonly viewKey: string
}

/** `POST /api/documents` (public creation) and the keys of its two links. */
export async function createDocumentOver(httpUrl: string, body: object = {}): Promise<CreatedDocument> {
  const response = await fetch(`${httpUrl}/api/documents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(201)
  const created = (await response.json()) as CreateDocumentResponse
  const keyOf = (url: string) => decodeURIComponent(new URL(url, httpUrl).hash.replace('#key=', ''))
  return { created, editKey: keyOf(created.editLink.url), viewKey: keyOf(created.viewLink.url) }
}

/** `POST /api/token`: a connection token for `name` from a share key. */
export async function exchangeKey(
  httpUrl: string,
  documentId: string,
  shareKey: string,
  name: string,
): Promise<string> {
  const response = await fetch(`${httpUrl}/api/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ documentId, shareKey, name }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as TokenResponse).token
}

/** An admin token (role editor, room "*"), as a host backend mints one. */
export function adminToken(secret: string): Promise<string> {
  return createToken({ secret, sub: 'admin', room: '*', role: 'editor', name: 'Admin' })
}
