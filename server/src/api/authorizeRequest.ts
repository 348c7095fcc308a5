/** Who may do what on the API: share keys for one document, tokens for rooms, admin tokens for everything. */
import type { IncomingMessage } from 'node:http'
import {
  ANY_ROOM,
  API_ERROR_CODES,
  HTTP_STATUS,
  type Role,
  SHARE_KEY_AUTH_SCHEME,
  type TokenClaims,
} from '@tandem/shared'
import { readAuthorization } from '../auth/readAuthorization'
import { findActiveShareKey } from '../auth/shareKeys'
import type { TokenVerifier } from '../auth/TokenVerifier'
import { ApiError } from '../http/ApiError'
import type { DocumentStore } from '../persistence/DocumentStore'

export interface AuthorizeDeps {
  readonly store: Pick<DocumentStore, 'getDocument' | 'findShareKey'>
  readonly verifier: Pick<TokenVerifier, 'verify'>
}

/** What a request proved about one document. */
export type DocumentCredential =
  | {
      readonly kind: 'share-key'
      readonly role: Role
      readonly keyId: string
      /** When the key was made (the creator's key was made with its document). */
      readonly createdAt: number
    }
  | { readonly kind: 'token'; readonly role: Role; readonly claims: TokenClaims }

/** An admin token: role editor for every room. Host backends mint these; share links never yield one. */
export function isAdminToken(claims: TokenClaims): boolean {
  return claims.role === 'editor' && claims.room === ANY_ROOM
}

/**
 * Any current share key of the document (`Authorization: ShareKey <key>`) or any valid token for its
 * room (`Authorization: Bearer <token>`). Throws 401 without credentials, 403 for a wrong or revoked
 * key (whether or not the document exists), AuthError for a bad token.
 */
export async function authorizeDocumentAccess(
  req: IncomingMessage,
  deps: AuthorizeDeps,
  documentId: string,
): Promise<DocumentCredential> {
  const authorization = readAuthorization(req)
  if (authorization?.scheme === 'bearer') {
    const claims = await deps.verifier.verify(authorization.credentials, documentId)
    return { kind: 'token', role: claims.role, claims }
  }
  if (authorization?.scheme === 'share-key') {
    const record = await findActiveShareKey(deps.store, documentId, authorization.credentials)
    if (record === null) throw forbidden('invalid or revoked share key')
    return { kind: 'share-key', role: record.role, keyId: record.keyId, createdAt: record.createdAt }
  }
  throw missingCredentials()
}

/**
 * Creating and revoking keys needs an edit key of the document or an admin token. Tokens exchanged
 * from share links are refused on purpose: they outlive a revoked key by up to their lifetime, and
 * must not be able to mint fresh keys in that window.
 */
export async function authorizeKeyManagement(
  req: IncomingMessage,
  deps: AuthorizeDeps,
  documentId: string,
): Promise<DocumentCredential> {
  const authorization = readAuthorization(req)
  if (authorization?.scheme === 'bearer') {
    const claims = await requireAdmin(deps, authorization.credentials)
    return { kind: 'token', role: claims.role, claims }
  }
  const credential = await authorizeDocumentAccess(req, deps, documentId)
  if (credential.role !== 'editor') throw forbidden('an edit key is required')
  return credential
}

/**
 * Deleting a document needs an admin token or its creator's key: the edit key made with the
 * document by `POST /api/documents` (an editor key created at the document's creation time; keys
 * added later, even edit keys, cannot delete). Exchanged tokens are refused, as for key management.
 */
export async function authorizeDeletion(
  req: IncomingMessage,
  deps: AuthorizeDeps,
  documentId: string,
): Promise<DocumentCredential> {
  const credential = await authorizeKeyManagement(req, deps, documentId)
  if (credential.kind === 'token') return credential
  const document = await deps.store.getDocument(documentId)
  if (document === null || credential.createdAt !== document.createdAt) {
    throw forbidden("only the document's creator (its first edit link) or an admin token may delete it")
  }
  return credential
}

/** The claims of the request's admin token (`Authorization: Bearer`, role editor, room `"*"`). */
export async function authorizeAdmin(
  req: IncomingMessage,
  deps: Pick<AuthorizeDeps, 'verifier'>,
): Promise<TokenClaims> {
  const authorization = readAuthorization(req)
  if (authorization?.scheme !== 'bearer')
    throw missingCredentials('an admin token is required: Authorization: Bearer <token>')
  return requireAdmin(deps, authorization.credentials)
}

async function requireAdmin(deps: Pick<AuthorizeDeps, 'verifier'>, token: string): Promise<TokenClaims> {
  const claims = await deps.verifier.verify(token)
  if (!isAdminToken(claims)) throw forbidden('an admin token (role editor, room "*") is required')
  return claims
}

function forbidden(message: string): ApiError {
  return new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, message)
}

function missingCredentials(
  message = `credentials required: Authorization: ${SHARE_KEY_AUTH_SCHEME} <key> or Bearer <token>`,
): ApiError {
  // RFC 9110: a 401 names the schemes the client may use.
  return new ApiError(HTTP_STATUS.UNAUTHORIZED, API_ERROR_CODES.UNAUTHORIZED, message, {
    headers: { 'WWW-Authenticate': `Bearer, ${SHARE_KEY_AUTH_SCHEME}` },
  })
}
