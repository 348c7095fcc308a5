import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../persistence/memory/MemoryStore'
import {
  createShareKey,
  findActiveShareKey,
  hashShareKey,
  recoverShareKey,
  SHARE_KEY_BYTES,
  shareKeyHashesEqual,
} from './shareKeys'

const SECRET = 'test-secret-test-secret-test-secret!'
const options = { secret: SECRET, createdBy: null }

describe('share keys', () => {
  it('are random, URL-safe, at least 128 bits, and stored only as a SHA-256 hash', () => {
    const keys = Array.from({ length: 100 }, () => createShareKey('doc', 'editor', options))
    expect(new Set(keys.map(({ key }) => key)).size).toBe(100)
    for (const { key, record } of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(key, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
      expect(record.keyHash).toBe(hashShareKey(key))
      expect(record.keyHash).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(record)).not.toContain(key)
    }
  })

  it('can be recovered from the record with the same secret only, and are unrelated across key ids', () => {
    const { key, record } = createShareKey('doc', 'editor', { secret: SECRET, createdBy: 'Ann', now: 5 })
    expect(record).toMatchObject({ createdBy: 'Ann', createdAt: 5, revokedAt: null })
    expect(Buffer.from(key, 'base64url').length).toBe(SHARE_KEY_BYTES)
    expect(recoverShareKey(SECRET, record)).toBe(key)
    expect(recoverShareKey(`${SECRET}x`, record)).toBeNull()
    // A key made before derivation (random bytes) is valid but cannot be shown again.
    expect(recoverShareKey(SECRET, { ...record, keyHash: hashShareKey('random-old-key') })).toBeNull()
    const other = createShareKey('doc', 'editor', options)
    expect(other.key).not.toBe(key)
    expect(recoverShareKey(SECRET, other.record)).toBe(other.key)
  })

  it('compare hashes exactly', () => {
    const hash = hashShareKey('k')
    expect(shareKeyHashesEqual(hash, hashShareKey('k'))).toBe(true)
    expect(shareKeyHashesEqual(hash, hashShareKey('K'))).toBe(false)
    expect(shareKeyHashesEqual(hash, hash.slice(0, 62))).toBe(false)
    expect(shareKeyHashesEqual('', '')).toBe(false)
  })

  it('are found only while current, for their own existing document', async () => {
    const store = new MemoryStore()
    await store.createDocument({ id: 'doc', title: 't', createdAt: 0, deletedAt: null })
    await store.createDocument({ id: 'other', title: 't', createdAt: 0, deletedAt: null })
    const { key, record } = createShareKey('doc', 'viewer', options)
    await store.addShareKey(record)
    expect(await findActiveShareKey(store, 'doc', key)).toEqual(record)
    expect(await findActiveShareKey(store, 'other', key)).toBeNull()
    expect(await findActiveShareKey(store, 'missing', key)).toBeNull()
    expect(await findActiveShareKey(store, 'doc', `${key}x`)).toBeNull()
    expect(await findActiveShareKey(store, 'doc', '')).toBeNull()
    await store.revokeShareKey('doc', record.keyId)
    expect(await findActiveShareKey(store, 'doc', key)).toBeNull()
  })
})
