/** Share keys: the random secrets in share links. Only their SHA-256 hashes are stored. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '@tandem/shared'
import type { DocumentStore, ShareKeyRecord } from '../persistence/DocumentStore'

/** 192 bits of randomness: 32 base64url characters, far beyond guessing at any request rate. */
export const SHARE_KEY_BYTES = 24
/** Key ids are public (they name a key in revoke URLs), so they only need to be unique. */
export const KEY_ID_BYTES = 9
/** Longer presented keys are refused without hashing. */
export const MAX_SHARE_KEY_LENGTH = 256

/** A new key for `documentId` with `role`: the key itself (goes into the link, once) and its record to store. */
export function createShareKey(
  documentId: string,
  role: Role,
  now: number = Date.now(),
): { key: string; record: ShareKeyRecord } {
  const key = randomBytes(SHARE_KEY_BYTES).toString('base64url')
  const record: ShareKeyRecord = {
    keyId: randomBytes(KEY_ID_BYTES).toString('base64url'),
    documentId,
    role,
    keyHash: hashShareKey(key),
    createdAt: now,
    revokedAt: null,
  }
  return { key, record }
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
