import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../persistence/MemoryStore'
import { createShareKey, findActiveShareKey, hashShareKey, shareKeyHashesEqual } from './shareKeys'

describe('share keys', () => {
  it('are random, URL-safe, at least 128 bits, and stored only as a SHA-256 hash', () => {
    const keys = Array.from({ length: 100 }, () => createShareKey('doc', 'editor'))
    expect(new Set(keys.map(({ key }) => key)).size).toBe(100)
    for (const { key, record } of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(key, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
      expect(record.keyHash).toBe(hashShareKey(key))
      expect(record.keyHash).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(record)).not.toContain(key)
    }
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
    const { key, record } = createShareKey('doc', 'viewer')
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
