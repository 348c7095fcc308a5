/**
 * Share keys: the secrets in share links. Only their SHA-256 hashes are stored; the key itself is
 * derived from the server secret and the key's random id, so whoever may manage a document's links
 * can be shown them again (`recoverShareKey`) without any key being kept in the database.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '@tandem/shared'
import type { DocumentStore, ShareKeyRecord } from '../persistence/DocumentStore'

/** 192 bits of randomness: 32 base64url characters, far beyond guessing at any request rate. */
export const SHARE_KEY_BYTES = 24
/** Key ids are public (they name a key in revoke URLs), so they only need to be unique. */
export const KEY_ID_BYTES = 9
/** Longer presented keys are refused without hashing. */
export const MAX_SHARE_KEY_LENGTH = 256

/** Separates share-key derivation from every other use of the server secret (token signing). */
const SHARE_KEY_DERIVATION_LABEL = 'tandem share key v1:'

export interface CreateShareKeyOptions {
  /** The server secret (`TANDEM_SECRET`) the key is derived from. */
  readonly secret: string
  /** Display name of the creator, already validated; null when unknown. */
  readonly createdBy: string | null
  /** Creation time in ms. Default `Date.now()`. */
  readonly now?: number
}

/** A new key for `documentId` with `role`: the key itself (goes into the link) and its record to store. */
export function createShareKey(
  documentId: string,
  role: Role,
  { secret, createdBy, now = Date.now() }: CreateShareKeyOptions,
): { key: string; record: ShareKeyRecord } {
  const keyId = randomBytes(KEY_ID_BYTES).toString('base64url')
  const key = deriveShareKey(secret, keyId)
  const record: ShareKeyRecord = {
    keyId,
    documentId,
    role,
    keyHash: hashShareKey(key),
    createdAt: now,
    revokedAt: null,
    createdBy,
  }
  return { key, record }
}

/**
 * The key of `record` again, for people allowed to manage the document's links; null when it cannot
 * be derived: keys made before derivation (random) or under another secret (rotated or lost).
 */
export function recoverShareKey(secret: string, record: ShareKeyRecord): string | null {
  const key = deriveShareKey(secret, record.keyId)
  return shareKeyHashesEqual(hashShareKey(key), record.keyHash) ? key : null
}

/**
 * HMAC-SHA256(secret, label + keyId), cut to SHARE_KEY_BYTES: as unguessable as random bytes to
 * anyone without the secret, and whoever holds the secret can mint admin tokens anyway.
 */
function deriveShareKey(secret: string, keyId: string): string {
  return createHmac('sha256', secret)
    .update(SHARE_KEY_DERIVATION_LABEL + keyId, 'utf8')
    .digest()
    .subarray(0, SHARE_KEY_BYTES)
    .toString('base64url')
}

/** SHA-256 of the key, lowercase hex: what `ShareKeyRecord.keyHash` holds. */
export function hashShareKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** Compares two hex hashes in time independent of where they differ. */
export function shareKeyHashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right)
}

/**
 * The record of `key` when it is a current (not revoked) key of an existing, not deleted document;
 * null otherwise. Callers answer every null the same way (403), so a guesser learns nothing about
 * which documents or keys exist.
 */
export async function findActiveShareKey(
  store: Pick<DocumentStore, 'getDocument' | 'findShareKey'>,
  documentId: string,
  key: string,
): Promise<ShareKeyRecord | null> {
  if (key === '' || key.length > MAX_SHARE_KEY_LENGTH) return null
  const keyHash = hashShareKey(key)
  const [document, record] = await Promise.all([
    store.getDocument(documentId),
    store.findShareKey(documentId, keyHash),
  ])
  if (document === null || document.deletedAt !== null) return null
  if (record === null || record.revokedAt !== null) return null
  // The store looked the hash up by equality; re-checking in constant time keeps that lookup's
  // timing (index walk, early-exit compare) from mattering, whatever the store does.
  if (record.documentId !== documentId || !shareKeyHashesEqual(record.keyHash, keyHash)) return null
  return record
}
