// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memoryStorage'
import { colorForUser, loadIdentity, MAX_NAME_LENGTH, normalizeName, saveName, USER_COLORS } from './identity'

describe('identity', () => {
  it('creates a user id once and keeps it', () => {
    const storage = createMemoryStorage()
    const first = loadIdentity(storage, () => 'id-1')
    const second = loadIdentity(storage, () => 'id-2')
    expect(first.userId).toBe('id-1')
    expect(second.userId).toBe('id-1')
    expect(first.name).toBeNull()
  })

  it('remembers a normalised name', () => {
    const storage = createMemoryStorage()
    expect(saveName(storage, '  Ada   Lovelace ')).toBe('Ada Lovelace')
    expect(loadIdentity(storage).name).toBe('Ada Lovelace')
    expect(normalizeName('x'.repeat(100))).toHaveLength(MAX_NAME_LENGTH)
    // What the server would refuse in a name never leaves the browser.
    expect(normalizeName('Ada\u202e\u2067 Lovelace\ud800')).toBe('Ada Lovelace')
  })

  it('derives the same palette colour from the same id', () => {
    expect(colorForUser('abc')).toBe(colorForUser('abc'))
    expect(USER_COLORS).toContain(colorForUser('someone-else'))
  })
})
