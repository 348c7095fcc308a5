// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memoryStorage'
import { findSession, forgetSession, rememberSession } from './cachedSession'

describe('cachedSession', () => {
  it('finds the token of the same share key only', () => {
    const storage = createMemoryStorage()
    rememberSession(storage, 'doc-1', 'key-a', { token: 't1', role: 'editor' })
    expect(findSession(storage, 'doc-1', 'key-a')).toEqual({ token: 't1', role: 'editor' })
    expect(findSession(storage, 'doc-1', 'key-b')).toBeNull()
    expect(findSession(storage, 'doc-2', 'key-a')).toBeNull()
  })

  it('forgets, and ignores what it cannot read', () => {
    const storage = createMemoryStorage({ 'tandem.session.doc-2': '{not json' })
    rememberSession(storage, 'doc-1', 'key-a', { token: 't1', role: 'viewer' })
    forgetSession(storage, 'doc-1')
    expect(findSession(storage, 'doc-1', 'key-a')).toBeNull()
    expect(findSession(storage, 'doc-2', 'key-a')).toBeNull()
  })
})
