/** Documents and share links through the real HTTP API, as the home page and share dialog use it. */
import {
  type CreateDocumentResponse,
  HTTP_STATUS,
  type Role,
  SHARE_KEY_AUTH_SCHEME,
  type ShareLink,
} from '@tandem/shared'

export interface TestDocument {
  readonly id: string
  /** Absolute edit link (`<base>/d/<id>#key=...`). */
  readonly editUrl: string
  /** Absolute view link. */
  readonly viewUrl: string
  readonly created: CreateDocumentResponse
}

/** `POST /api/documents` on `baseUrl`. */
export async function createDocument(baseUrl: string, title = 'Untitled'): Promise<TestDocument> {
  const res = await fetch(`${baseUrl}/api/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (res.status !== HTTP_STATUS.CREATED)
    throw new Error(`creating a document failed: ${res.status} ${await res.text()}`)
  const created = (await res.json()) as CreateDocumentResponse
  return {
    id: created.id,
    editUrl: new URL(created.editLink.url, baseUrl).toString(),
    viewUrl: new URL(created.viewLink.url, baseUrl).toString(),
    created,
  }
}

/** The share key in a link's `#key=` fragment. */
export function shareKeyOf(url: string): string {
  const key = new URLSearchParams(new URL(url).hash.slice(1)).get('key')
  if (key === null) throw new Error(`no #key= in ${url}`)
  return key
}

/** `DELETE /api/documents/:id/keys/:keyId`, authorized by the document's edit key. */
export async function revokeShareKey(baseUrl: string, document: TestDocument, keyId: string): Promise<void> {
  const res = await fetch(
    `${baseUrl}/api/documents/${encodeURIComponent(document.id)}/keys/${encodeURIComponent(keyId)}`,
    {
      method: 'DELETE',
      headers: { authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(document.editUrl)}` },
    },
  )
  if (res.status !== HTTP_STATUS.NO_CONTENT)
    throw new Error(`revoking key ${keyId} failed: ${res.status} ${await res.text()}`)
}

/** `POST /api/documents/:id/keys`: a new share link for `role`, authorized by the document's edit key. */
export async function createShareLink(
  baseUrl: string,
  document: TestDocument,
  role: Role,
): Promise<{ keyId: string; url: string }> {
  const res = await fetch(`${baseUrl}/api/documents/${encodeURIComponent(document.id)}/keys`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(document.editUrl)}`,
    },
    body: JSON.stringify({ role }),
  })
  if (res.status !== HTTP_STATUS.CREATED) {
    throw new Error(`creating a ${role} link failed: ${res.status} ${await res.text()}`)
  }
  const link = (await res.json()) as ShareLink
  return { keyId: link.keyId, url: new URL(link.url, baseUrl).toString() }
}
