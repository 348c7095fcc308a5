// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createRandomId } from './randomId'

describe('createRandomId', () => {
  it('makes version 4 UUIDs', () => {
    expect(createRandomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(createRandomId()).not.toBe(createRandomId())
  })

  it('sets the version and variant bits whatever the random bytes', () => {
    expect(createRandomId((bytes) => bytes.fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff')
    expect(createRandomId((bytes) => bytes.fill(0))).toBe('00000000-0000-4000-8000-000000000000')
  })
})
