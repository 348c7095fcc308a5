import { describe, expect, it } from 'vitest'
import { isValidRoomName } from './roomName'

describe('isValidRoomName', () => {
  it('accepts 1-128 characters of the URL-safe set', () => {
    for (const name of ['a', 'my-doc_1.v2~x', 'A'.repeat(128)]) expect(isValidRoomName(name)).toBe(true)
  })

  it('refuses empty, long, traversal, unicode, separators and metacharacters', () => {
    const bad = ['', 'A'.repeat(129), '.', '..', '../etc', 'a/b', 'día', "x';drop", 'a b', 'a%20b', 'a\u0000']
    for (const name of bad) expect(isValidRoomName(name), name).toBe(false)
  })
})
