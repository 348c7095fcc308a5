/**
 * The Tandem HTTP API from a host's server: documents (create, list, delete) and their content
 * (read, replace, append). Authenticates with an admin token it mints from TANDEM_SECRET, or with
 * the credential a call passes (a share key or a token).
 */
import { mintAdminToken } from './mintToken.js'

export type ContentFormat = 'markdown' | 'html' | 'text' | 'json'
/** Formats the server takes as input (PUT/POST content, create with content). */
export type InputFormat = 'markdown' | 'html'

export interface TandemClientOptions {
  /** Where the server is, e.g. `https://tandem.example.com`. */
  readonly baseUrl: string
  /** TANDEM_SECRET: the client mints short-lived admin tokens with it. Or pass `adminToken`. */
  readonly secret?: string
  /** A ready admin token (role editor, room "*"), when the secret is kept elsewhere. */
  readonly adminToken?: string
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number
}

/** Who a single call acts as, instead of the client's admin token. */
export type Credential = { readonly shareKey: string } | { readonly token: string }

export interface ShareLink {
  readonly keyId: string
  readonly role: 'editor' | 'commenter' | 'viewer'
  readonly url: string
  readonly createdAt: number
  readonly createdBy: string | null
}

export interface CreatedDocument {
  readonly id: string
  readonly title: string
  readonly editLink: ShareLink
  readonly viewLink: ShareLink
}

export interface DocumentSummary {
  readonly id: string
  readonly title: string
  readonly createdAt: number
  readonly changedAt: number | null
  readonly sizeBytes: number
}

export interface DocumentPage {
  readonly documents: DocumentSummary[]
  readonly nextCursor: string | null
}

/** An answer other than 2xx: `status`, and the server's machine `code` and message. */
export class TandemApiError extends Error {
  override name = 'TandemApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`)
  }
}

const DEFAULT_TIMEOUT_MS = 30_000
/** Minted admin tokens live this long and are renewed a minute before they end. */
const ADMIN_TOKEN_TTL_SECONDS = 600

export class TandemClient {
  private readonly baseUrl: string
  private minted: { token: string; renewAtMs: number } | undefined

  constructor(private readonly options: TandemClientOptions) {
    if (options.secret === undefined && options.adminToken === undefined) {
      throw new TypeError('TandemClient needs a secret or an adminToken')
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
  }

  /** `POST /api/documents`: a new document with its edit and view links; optionally with content. */
  createDocument(
    options: { title?: string; name?: string; content?: string; format?: InputFormat } = {},
  ): Promise<CreatedDocument> {
    return this.json('POST', '/api/documents', { body: options })
  }

  /** `GET /api/documents`: one page (admin). Pass the previous page's `nextCursor` for the next. */
  listDocuments(options: { limit?: number; cursor?: string } = {}): Promise<DocumentPage> {
    const query = new URLSearchParams()
    if (options.limit !== undefined) query.set('limit', String(options.limit))
    if (options.cursor !== undefined) query.set('cursor', options.cursor)
    const suffix = query.size > 0 ? `?${query}` : ''
    return this.json('GET', `/api/documents${suffix}`)
  }

  /** Every document, page after page. */
  async *allDocuments(pageSize = 100): AsyncGenerator<DocumentSummary> {
    let cursor: string | undefined
    do {
      const page = await this.listDocuments({ limit: pageSize, ...(cursor ? { cursor } : {}) })
      yield* page.documents
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
  }

  /** `DELETE /api/documents/:id`: closes its sessions on every node and deletes it (admin or the creator's key). */
  async deleteDocument(id: string, as?: Credential): Promise<void> {
    await this.request('DELETE', `/api/documents/${encodeURIComponent(id)}`, { as })
  }

  /** `GET /api/documents/:id/content?format=`: the document rendered on the server. */
  async getContent(id: string, format: ContentFormat = 'markdown', as?: Credential): Promise<string> {
    const path = `/api/documents/${encodeURIComponent(id)}/content?format=${format}`
    const response = await this.request('GET', path, { as })
    const text = await response.text()
    if (format === 'json' || !response.headers.get('content-type')?.includes('application/json')) return text
    // A JSON envelope ({ content }) is unwrapped; a bare body is the content itself.
    const parsed: unknown = JSON.parse(text)
    return typeof (parsed as { content?: unknown })?.content === 'string'
      ? (parsed as { content: string }).content
      : text
  }

  /** `PUT /api/documents/:id/content`: replaces the content; open editors see it live. */
  async replaceContent(
    id: string,
    content: string,
    format: InputFormat = 'markdown',
    as?: Credential,
  ): Promise<void> {
    await this.request('PUT', `/api/documents/${encodeURIComponent(id)}/content`, {
      as,
      body: { content, format },
    })
  }

  /** `POST /api/documents/:id/content`: appends to the content. */
  async appendContent(
    id: string,
    content: string,
    format: InputFormat = 'markdown',
    as?: Credential,
  ): Promise<void> {
    await this.request('POST', `/api/documents/${encodeURIComponent(id)}/content`, {
      as,
      body: { content, format },
    })
  }

  private async json<T>(
    method: string,
    path: string,
    init: { as?: Credential; body?: object } = {},
  ): Promise<T> {
    const response = await this.request(method, path, init)
    return (await response.json()) as T
  }

  private async request(
    method: string,
    path: string,
    { as, body }: { as?: Credential | undefined; body?: object } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { Authorization: this.authorization(as) }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
    if (response.ok) return response
    const text = await response.text()
    let code = 'http_error'
    let message = text
    try {
      const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error
      code = error?.code ?? code
      message = error?.message ?? message
    } catch {
      // Not the API's error shape (a proxy's page): keep the text.
    }
    throw new TandemApiError(response.status, code, message)
  }

  private authorization(as: Credential | undefined): string {
    if (as && 'shareKey' in as) return `ShareKey ${as.shareKey}`
    if (as) return `Bearer ${as.token}`
    if (this.options.adminToken !== undefined) return `Bearer ${this.options.adminToken}`
    if (this.minted === undefined || Date.now() >= this.minted.renewAtMs) {
      const token = mintAdminToken(this.options.secret!, { ttlSeconds: ADMIN_TOKEN_TTL_SECONDS })
      this.minted = { token, renewAtMs: Date.now() + (ADMIN_TOKEN_TTL_SECONDS - 60) * 1000 }
    }
    return `Bearer ${this.minted.token}`
  }
}
