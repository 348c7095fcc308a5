import { describe, expect, it } from 'vitest'
import { jsonNestingExceeds } from './jsonNestingExceeds'

describe('jsonNestingExceeds', () => {
  it('counts objects and arrays inside one another', () => {
    expect(jsonNestingExceeds('{"a":[{"b":1}]}', 3)).toBe(false)
    expect(jsonNestingExceeds('{"a":[{"b":[]}]}', 3)).toBe(true)
    expect(jsonNestingExceeds('[[],[],[]]', 2)).toBe(false)
    expect(jsonNestingExceeds('null', 0)).toBe(false)
  })

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds('{"a":"[[[[{{{{"}', 1)).toBe(false)
    expect(jsonNestingExceeds('{"a":"\\"[[[["}', 1)).toBe(false)
    expect(jsonNestingExceeds('{"a":"\\\\","b":[[1]]}', 2)).toBe(true)
  })

  it('refuses the 5,000-deep state that overflowed JSON.stringify', () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`
    expect(jsonNestingExceeds(deep, 16)).toBe(true)
  })
})
