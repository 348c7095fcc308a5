import { describe, expect, it } from 'vitest'
import { hasUnsafeTextCharacters, removeUnsafeTextCharacters } from './displayText'

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']

describe('display text', () => {
  it('refuses bidi controls, controls, line separators and lone surrogates', () => {
    for (const bad of [...BIDI, '\u0000', '\n', '\u2028', '\ud800', '\udfff', 'a\ud83d', '\ude00b']) {
      expect(hasUnsafeTextCharacters(`title ${bad} end`), JSON.stringify(bad)).toBe(true)
    }
  })

  it('keeps ordinary text in any script, emoji pairs and marks included', () => {
    for (const good of [
      'Meeting notes',
      'Café ☕',
      'שלום עולם',
      'مرحبا',
      '会议记录',
      '👩‍💻 plans',
      'e\u0301',
      '\u200d',
    ]) {
      expect(hasUnsafeTextCharacters(good), good).toBe(false)
    }
  })

  it('removes exactly the unsafe characters', () => {
    expect(removeUnsafeTextCharacters('in\u202evoice\u2066 fdp.exe\ud800 👍')).toBe('invoice fdp.exe 👍')
  })
})
