// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  createFindPattern,
  findDocumentMatches,
  findMatchesIn,
  MAX_FIND_QUERY_LENGTH,
  type TextSegment,
} from './findMatches'

const find = (text: string, query: string, options = {}) => {
  const pattern = createFindPattern(query, options)
  return pattern === null ? [] : findMatchesIn(text, pattern).map((m) => text.slice(m.start, m.end))
}

describe('findMatchesIn', () => {
  it('ignores case unless asked, with exact offsets', () => {
    const pattern = createFindPattern('cat')
    expect(pattern && findMatchesIn('Cat cat CAT', pattern)).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 11 },
    ])
    expect(find('Cat cat CAT', 'cat', { matchCase: true })).toEqual(['cat'])
  })

  it('keeps offsets exact where lower-casing would change lengths', () => {
    const text = 'İstanbul istanbul'
    const pattern = createFindPattern('istanbul')
    expect(pattern && findMatchesIn(text, pattern)).toEqual([{ start: 9, end: 17 }])
  })

  it('matches whole words only when asked, in any script', () => {
    expect(find('cat concat cats cat_x cat.', 'cat', { wholeWord: true })).toEqual(['cat', 'cat'])
    expect(find('café cafés', 'café', { wholeWord: true })).toEqual(['café'])
    expect(find('concat', 'cat')).toEqual(['cat'])
  })

  it('treats the query as text, not a regular expression', () => {
    expect(find('a.b axb (x) $1', 'a.b')).toEqual(['a.b'])
    expect(find('a.b axb (x) $1', '(x)')).toEqual(['(x)'])
    expect(find('a.b axb (x) $1', '$1')).toEqual(['$1'])
  })

  it('finds non-overlapping matches and nothing for an empty query', () => {
    expect(find('aaaa', 'aa')).toEqual(['aa', 'aa'])
    expect(createFindPattern('')).toBeNull()
  })

  it('stops at the limit and cuts an overlong query', () => {
    const pattern = createFindPattern('a')
    expect(pattern && findMatchesIn('a'.repeat(50), pattern, 7)).toHaveLength(7)
    const long = 'x'.repeat(MAX_FIND_QUERY_LENGTH + 100)
    expect(find(long, long)).toEqual(['x'.repeat(MAX_FIND_QUERY_LENGTH)])
  })
})

describe('findDocumentMatches', () => {
  const segments: TextSegment[] = [
    {
      pieces: [
        { key: 'a', text: 'say hel' },
        { key: 'b', text: 'lo' },
        { key: 'c', text: ' hello' },
      ],
    },
    { pieces: [{ key: 'd', text: 'hello' }] },
  ]

  it('finds matches across formatting within a segment, in document order', () => {
    const pattern = createFindPattern('hello')
    expect(pattern && findDocumentMatches(segments, pattern)).toEqual([
      { start: { key: 'a', offset: 4 }, end: { key: 'b', offset: 2 } },
      { start: { key: 'c', offset: 1 }, end: { key: 'c', offset: 6 } },
      { start: { key: 'd', offset: 0 }, end: { key: 'd', offset: 5 } },
    ])
  })

  it('puts a start at a node boundary in the next node and an end in the previous one', () => {
    const pattern = createFindPattern('lo')
    expect(pattern && findDocumentMatches(segments, pattern)[0]).toEqual({
      start: { key: 'b', offset: 0 },
      end: { key: 'b', offset: 2 },
    })
  })

  it('never matches across segments and honours the limit across them', () => {
    const pattern = createFindPattern('hellohello')
    expect(pattern && findDocumentMatches(segments, pattern)).toEqual([])
    const all = createFindPattern('l')
    expect(all && findDocumentMatches(segments, all, 5)).toHaveLength(5)
  })
})
