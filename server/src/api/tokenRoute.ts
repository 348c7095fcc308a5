/** `POST /api/token`: exchanges a share key for a short-lived connection token with the key's role. */
import { randomBytes } from 'node:crypto'
import {
  API_ERROR_CODES,
  createToken,
  HTTP_STATUS,
  isValidRoomName,
  MAX_DISPLAY_NAME_LENGTH,
  type TokenResponse,
} from '@tandem/shared'
import { decodeJwt } from 'jose'
import { findActiveShareKey, MAX_SHARE_KEY_LENGTH } from '../auth/shareKeys'
import { ApiError } from '../http/ApiError'
import { sendJson } from '../http/sendJson'
import type { ApiContext } from './ApiContext'
import { readJsonBody } from './readJsonBody'
import { readTextField } from './readTextField'

/** Prefix of the `sub` of exchanged tokens, so logs tell share-link guests from embedders' users. */
export const GUEST_SUBJECT_PREFIX = 'guest-'
const GUEST_ID_BYTES = 12

/**
 * `{ documentId, shareKey, name }` -> TokenResponse. A wrong or revoked key and an unknown document all
 * get the same 403. The token's `sub` is a fresh random `guest-...` id per exchange: a share link proves
 * possession of a key, not an identity, so nothing the client sends may choose or keep a user id.
 */
export async function handleTokenExchange({ req, res, deps }: ApiContext): Promise<void> {
  const body = await readJsonBody(req, deps.maxBodyBytes)
  if (body === undefined) throw badRequest('request body required: { documentId, shareKey, name }')
  const { documentId, shareKey } = body
  if (typeof documentId !== 'string' || !isValidRoomName(documentId))
    throw badRequest('documentId is invalid')
  if (typeof shareKey !== 'string' || shareKey === '' || shareKey.length > MAX_SHARE_KEY_LENGTH) {
    throw badRequest('shareKey is invalid')
  }
  const name = readTextField(body, 'name', { maxLength: MAX_DISPLAY_NAME_LENGTH, required: true })!
  const record = await findActiveShareKey(deps.store, documentId, shareKey)
  if (record === null) {
    throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'invalid or revoked share key')
  }
  const token = await createToken({
    secret: deps.secret,
    sub: `${GUEST_SUBJECT_PREFIX}${randomBytes(GUEST_ID_BYTES).toString('base64url')}`,
    room: documentId,
    role: record.role,
    name,
    ttlSeconds: deps.tokenTtlSeconds,
    shareKeyId: record.keyId,
  })
  const response: TokenResponse = { token, role: record.role, expiresAt: decodeJwt(token).exp! }
  sendJson(res, HTTP_STATUS.OK, response)
}

function badRequest(message: string): ApiError {
  return new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, message)
}
