// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  countSelectedText,
  countText,
  describeCounts,
  READING_WORDS_PER_MINUTE,
  readingTimeMinutes,
} from './textStats'

describe('countText', () => {
  it('counts words as people do, joined by apostrophes, hyphens and decimal points', () => {
    expect(countText('Hello, world!').words).toBe(2)
    expect(countText("Don't split well-known words, or 3.5 either.").words).toBe(7)
    expect(countText('  spaces\tand\nlines  ').words).toBe(3)
    expect(countText('— … !!').words).toBe(0)
    expect(countText('').words).toBe(0)
  })

  it('counts words in other scripts, and each Chinese or Japanese character as a word', () => {
    expect(countText('Καλημέρα κόσμε, café naïve').words).toBe(4)
    expect(countText('你好世界').words).toBe(4)
    expect(countText('Tandem は 便利').words).toBe(4)
  })

  it('counts characters as code points, spaces included', () => {
    expect(countText('a b').characters).toBe(3)
    expect(countText('👍 ok').characters).toBe(4)
    expect(countText('𝒜').characters).toBe(1)
  })
})

describe('countSelectedText', () => {
  it('counts across blocks without counting the breaks between them', () => {
    expect(countSelectedText('one two\nthree\n\nfour')).toEqual({ words: 4, characters: 16 })
  })
})

describe('reading time', () => {
  it('is at least a minute for any text and rounds to whole minutes', () => {
    expect(readingTimeMinutes(0)).toBe(0)
    expect(readingTimeMinutes(1)).toBe(1)
    expect(readingTimeMinutes(READING_WORDS_PER_MINUTE * 5)).toBe(5)
    expect(readingTimeMinutes(READING_WORDS_PER_MINUTE * 5.4)).toBe(5)
  })
})

describe('describeCounts', () => {
  it('says the document counts and reading time, or the selection out of the document', () => {
    expect(describeCounts({ words: 1204, characters: 6880 }, null)).toBe(
      '1,204 words · 6,880 characters · 5 min read',
    )
    expect(describeCounts({ words: 1, characters: 1 }, null)).toBe('1 word · 1 character · 1 min read')
    expect(describeCounts({ words: 0, characters: 0 }, null)).toBe('0 words · 0 characters')
    expect(describeCounts({ words: 1204, characters: 6880 }, { words: 12, characters: 60 })).toBe(
      '12 of 1,204 words · 60 of 6,880 characters',
    )
  })
})
