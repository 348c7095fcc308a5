// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { MAX_HIGHLIGHTED_CHARS, tokenizeCode } from './codeTokens'

/** The text of each token with its category, for readable expectations. */
function spans(code: string, language: string | null) {
  return tokenizeCode(code, language).map((token) => [code.slice(token.start, token.end), token.category])
}

describe('tokenizeCode', () => {
  it('finds keywords, strings, numbers, comments and functions in common languages', () => {
    expect(spans('def greet(name):\n    return "hi" + 1  # done', 'python')).toEqual(
      expect.arrayContaining([
        ['def', 'keyword'],
        ['greet', 'function'],
        ['return', 'keyword'],
        ['"hi"', 'string'],
        ['1', 'number'],
        ['# done', 'comment'],
      ]),
    )
    expect(spans('const n: number = 42 // x', 'typescript')).toEqual(
      expect.arrayContaining([
        ['const', 'keyword'],
        ['number', 'type'],
        ['42', 'number'],
        ['// x', 'comment'],
      ]),
    )
    expect(spans('SELECT id FROM t', 'sql')).toEqual(expect.arrayContaining([['SELECT', 'keyword']]))
  })

  it('spans are ordered, do not overlap and stay within the code', () => {
    const code = 'fn main() { let s = format!("{}", 1 + 2); }'
    const tokens = tokenizeCode(code, 'rust')
    expect(tokens.length).toBeGreaterThan(5)
    let last = 0
    for (const token of tokens) {
      expect(token.start).toBeGreaterThanOrEqual(last)
      expect(token.end).toBeGreaterThan(token.start)
      last = token.end
    }
    expect(last).toBeLessThanOrEqual(code.length)
  })

  it('plain text, unknown languages and very long code are left plain', () => {
    expect(tokenizeCode('const x = 1', '')).toEqual([])
    expect(tokenizeCode('const x = 1', null)).toEqual([])
    // A language another client stored that this one does not list, or a Prism internal.
    expect(tokenizeCode('const x = 1', 'extend')).toEqual([])
    expect(tokenizeCode('x'.repeat(MAX_HIGHLIGHTED_CHARS + 1), 'javascript')).toEqual([])
  })
})
