/** Calls to the Tandem HTTP API (`/api/*`), with typed errors and a timeout so nothing spins forever. */

import {
  type ApiErrorBody,
  type CreateDocumentRequest,
  type CreateDocumentResponse,
  HTTP_STATUS,
  type Role,
  SHARE_KEY_AUTH_SCHEME,
  type ShareLink,
  type ShareLinkListResponse,
  type TokenRequest,
  type TokenResponse,
  type VersionCommentsResponse,
  type VersionListResponse,
  type VersionSummary,
} from '@tandem/shared'
import { loadDeviceSecret } from '../identity/deviceSecret'
import { browserStorage } from '../storage/browserStorage'

/** A request that takes longer than this fails as "server unreachable". */
export const API_TIMEOUT_MS = 10_000

/** Status used for failures without an HTTP response (network down, timeout). */
export const NETWORK_FAILURE_STATUS = 0

/** A failed API call: `status` is the HTTP status, or NETWORK_FAILURE_STATUS when no response came. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }

  /** True for failures worth retrying later: no response, rate limiting, server errors. */
  get isTransient(): boolean {
    return (
      this.status === NETWORK_FAILURE_STATUS ||
      this.status === HTTP_STATUS.TOO_MANY_REQUESTS ||
      this.status >= HTTP_STATUS.INTERNAL_ERROR
    )
  }
}

export interface ApiClientOptions {
  /** HTTP base of the Tandem server without a trailing slash; '' = same origin. */
  baseUrl: string
  fetch?: typeof fetch
  /** Cancels the request (e.g. the component that asked unmounted). */
  signal?: AbortSignal
}

/** `POST /api/documents`. */
export function createDocument(options: ApiClientOptions, request: CreateDocumentRequest = {}) {
  return postJson<CreateDocumentResponse>(options, '/api/documents', request)
}

/**
 * `POST /api/token`: exchanges a share key for a short-lived connection token. Sends this browser's
 * device secret unless the request has one, so the token's guest id is the same every time.
 */
export function exchangeShareKey(options: ApiClientOptions, request: TokenRequest) {
  return postJson<TokenResponse>(options, '/api/token', {
    ...request,
    deviceSecret: request.deviceSecret ?? loadDeviceSecret(browserStorage()),
  })
}

/**
 * `POST /api/documents/:id/keys`: a new share link for `role`, authorized by an edit key; `name` is
 * shown to others as its creator.
 */
export function createShareLink(
  options: ApiClientOptions,
  documentId: string,
  editKey: string,
  role: Role,
  name?: string,
) {
  return postJson<ShareLink>(options, keysPath(documentId), { role, name }, shareKeyAuthorization(editKey))
}

/** `GET /api/documents/:id/keys`: the document's current links, authorized by an edit key. */
export function listShareLinks(options: ApiClientOptions, documentId: string, editKey: string) {
  return sendRequest<ShareLinkListResponse>(options, 'GET', keysPath(documentId), undefined, {
    ...shareKeyAuthorization(editKey),
  })
}

/** `DELETE /api/documents/:id/keys/:keyId`: revokes a link; the server ends the sessions that used it. */
export async function revokeShareLink(
  options: ApiClientOptions,
  documentId: string,
  editKey: string,
  keyId: string,
): Promise<void> {
  await sendRequest<undefined>(
    options,
    'DELETE',
    `${keysPath(documentId)}/${encodeURIComponent(keyId)}`,
    undefined,
    shareKeyAuthorization(editKey),
  )
}

/** `GET /api/documents/:id/versions`: the document's versions, newest first, with any key. */
export function listVersions(options: ApiClientOptions, documentId: string, key: string) {
  return sendRequest<VersionListResponse>(options, 'GET', versionsPath(documentId), undefined, {
    ...shareKeyAuthorization(key),
  })
}

/** `POST /api/documents/:id/versions`: a named version of the document now (edit key). */
export function nameCurrentVersion(options: ApiClientOptions, documentId: string, key: string, name: string) {
  return postJson<VersionSummary>(options, versionsPath(documentId), { name }, shareKeyAuthorization(key))
}

/** `PATCH /api/documents/:id/versions/:versionId`: names or renames a version (edit key). */
export function renameVersion(
  options: ApiClientOptions,
  documentId: string,
  key: string,
  versionId: string,
  name: string,
) {
  return sendRequest<VersionSummary>(
    options,
    'PATCH',
    `${versionsPath(documentId)}/${encodeURIComponent(versionId)}`,
    { name },
    shareKeyAuthorization(key),
  )
}

/** `POST /api/documents/:id/versions/:versionId/restore`: the document becomes that version, live (edit key). */
export async function restoreVersion(
  options: ApiClientOptions,
  documentId: string,
  key: string,
  versionId: string,
): Promise<void> {
  await sendRequest<undefined>(
    options,
    'POST',
    `${versionsPath(documentId)}/${encodeURIComponent(versionId)}/restore`,
    undefined,
    shareKeyAuthorization(key),
  )
}

/** `GET /api/documents/:id/versions/:versionId?format=yjs`: the version's full Yjs state, for the diff view. */
export async function fetchVersionState(
  options: ApiClientOptions,
  documentId: string,
  key: string,
  versionId: string,
): Promise<Uint8Array> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  const path = `${versionsPath(documentId)}/${encodeURIComponent(versionId)}?format=yjs`
  let response: Response
  try {
    response = await fetchFn(`${options.baseUrl}${path}`, {
      headers: shareKeyAuthorization(key),
      signal: requestSignal(options),
    })
  } catch (error) {
    throw networkFailure(error)
  }
  if (!response.ok) throw await readApiError(response)
  return new Uint8Array(await response.arrayBuffer())
}

/** `GET /api/documents/:id/versions/:versionId?comments=1`: the threads stored with the version, with any key. */
export function fetchVersionComments(
  options: ApiClientOptions,
  documentId: string,
  key: string,
  versionId: string,
) {
  const path = `${versionsPath(documentId)}/${encodeURIComponent(versionId)}?comments=1`
  return sendRequest<VersionCommentsResponse>(options, 'GET', path, undefined, shareKeyAuthorization(key))
}

function versionsPath(documentId: string): string {
  return `/api/documents/${encodeURIComponent(documentId)}/versions`
}

function keysPath(documentId: string): string {
  return `/api/documents/${encodeURIComponent(documentId)}/keys`
}

function shareKeyAuthorization(key: string): Record<string, string> {
  return { authorization: `${SHARE_KEY_AUTH_SCHEME} ${key}` }
}

function postJson<T>(
  options: ApiClientOptions,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  return sendRequest<T>(options, 'POST', path, body, headers)
}

async function sendRequest<T>(
  options: ApiClientOptions,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  let response: Response
  try {
    response = await fetchFn(`${options.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: requestSignal(options),
    })
  } catch (error) {
    throw networkFailure(error)
  }
  if (!response.ok) throw await readApiError(response)
  const json = parseJson(await response.text().catch(() => ''))
  // 204 No Content (a revoke) has no body by design.
  if (response.status === HTTP_STATUS.NO_CONTENT) return undefined as T
  if (json === undefined) {
    throw new ApiError(response.status, 'bad_response', 'The server sent an unreadable response.')
  }
  return json as T
}

function requestSignal(options: ApiClientOptions): AbortSignal {
  return options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(API_TIMEOUT_MS)])
    : AbortSignal.timeout(API_TIMEOUT_MS)
}

function networkFailure(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error)
  return new ApiError(NETWORK_FAILURE_STATUS, 'network', `The server could not be reached (${message}).`)
}

/** The typed error of a failed response, from its `{ error: { code, message } }` body when it has one. */
async function readApiError(response: Response): Promise<ApiError> {
  const json = parseJson(await response.text().catch(() => ''))
  const error = (json as Partial<ApiErrorBody> | undefined)?.error
  return new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
  )
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
