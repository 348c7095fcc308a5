/** `POST /api/token`: exchanges a share key for a short-lived connection token with the key's role. */
import { createHmac, randomBytes } from 'node:crypto'
import {
  API_ERROR_CODES,
  createToken,
  GUEST_SUBJECT_PREFIX,
  HTTP_STATUS,
  isValidRoomName,
  MAX_DISPLAY_NAME_LENGTH,
  type TokenResponse,
} from '@tandem/shared'
import { findActiveShareKey, MAX_SHARE_KEY_LENGTH } from '../auth/shareKeys'
import { ApiError } from '../http/ApiError'
import { sendJson } from '../http/sendJson'
import type { ApiContext } from './ApiContext'
import { readJsonBody } from './readJsonBody'
import { readTextField } from './readTextField'

const GUEST_ID_BYTES = 12
/**
 * A browser's own random secret (`deviceSecret`), kept in its storage: the same secret and document
 * give the same guest id, so a person keeps their comments (only authors edit them) across token
 * refreshes and reloads. 22-128 URL-safe characters (at least 128 bits from the client's generator).
 */
const DEVICE_SECRET_PATTERN = /^[A-Za-z0-9_-]{22,128}$/

/**
 * `{ documentId, shareKey, name, deviceSecret? }` -> TokenResponse. A wrong or revoked key and an
 * unknown document all get the same 403. The token's `sub` is a `guest-...` id (GUEST_SUBJECT_PREFIX,
 * which also tells readers of comments that the name was typed, not vouched for): a share link proves
 * possession of a key, not an identity, so nothing the client sends may choose a user id. It is
 * random per exchange, or derived from the browser's secret (see DEVICE_SECRET_PATTERN): only the
 * holder of that secret gets that id again, and the id reveals nothing of the secret.
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
  const { deviceSecret } = body
  if (
    deviceSecret !== undefined &&
    (typeof deviceSecret !== 'string' || !DEVICE_SECRET_PATTERN.test(deviceSecret))
  ) {
    throw badRequest('deviceSecret must be 22-128 characters of A-Z a-z 0-9 _ -')
  }
  const record = await findActiveShareKey(deps.store, documentId, shareKey)
  if (record === null) {
    throw new ApiError(HTTP_STATUS.FORBIDDEN, API_ERROR_CODES.FORBIDDEN, 'invalid or revoked share key')
  }
  const token = await createToken({
    secret: deps.secret,
    sub: guestSubject(deps.secret, documentId, deviceSecret),
    room: documentId,
    role: record.role,
    name,
    ttlSeconds: deps.tokenTtlSeconds,
    shareKeyId: record.keyId,
  })
  const response: TokenResponse = { token, role: record.role, expiresAt: readExpiry(token) }
  sendJson(res, HTTP_STATUS.OK, response)
}

/** The `exp` of a token just minted (its payload, the second part, as JSON). */
function readExpiry(token: string): number {
  const payload = token.split('.')[1] ?? ''
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number }).exp
}

/** The guest id of a token: HMAC of the device secret and document under the server's secret, else random. */
function guestSubject(secret: string, documentId: string, deviceSecret: string | undefined): string {
  if (deviceSecret === undefined)
    return `${GUEST_SUBJECT_PREFIX}${randomBytes(GUEST_ID_BYTES).toString('base64url')}`
  const digest = createHmac('sha256', secret).update(`guest\0${documentId}\0${deviceSecret}`).digest()
  return `${GUEST_SUBJECT_PREFIX}${digest.subarray(0, GUEST_ID_BYTES).toString('base64url')}`
}

function badRequest(message: string): ApiError {
  return new ApiError(HTTP_STATUS.BAD_REQUEST, API_ERROR_CODES.BAD_REQUEST, message)
}
