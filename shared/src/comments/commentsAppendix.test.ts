import { describe, expect, it } from 'vitest'
import { writeCommentsAppendix } from './commentsAppendix'

const THREADS = [
  {
    quote: 'quick brown',
    resolved: true,
    detached: false,
    comments: [
      {
        authorName: 'Ann',
        body: 'Is it *quick*? [x](javascript:alert(1))',
        createdAt: Date.UTC(2026, 11, 6, 14, 3),
      },
      { authorName: '<b>Ben</b>', body: 'Yes <script>', createdAt: Date.UTC(2026, 11, 6, 14, 5) },
    ],
  },
]

describe('writeCommentsAppendix', () => {
  it('writes Markdown with the comments’ own markup escaped', () => {
    expect(writeCommentsAppendix(THREADS, 'markdown')).toBe(
      '\n\n## Comments\n\n1. > quick brown _(resolved)_\n' +
        '   - **Ann** (2026-12-06 14:03): Is it \\*quick\\*? \\[x\\](javascript:alert(1))\n' +
        '   - **\\<b\\>Ben\\</b\\>** (2026-12-06 14:05): Yes \\<script\\>\n',
    )
  })

  it('writes HTML with everything escaped, and nothing without threads', () => {
    const html = writeCommentsAppendix(THREADS, 'html')
    expect(html).toContain('<strong>&#60;b&#62;Ben&#60;/b&#62;</strong>')
    expect(html).not.toContain('<script>')
    expect(writeCommentsAppendix([], 'html')).toBe('')
  })

  it.each(['markdown', 'text', 'html'] as const)(
    'keeps every comment on its own line in %s (no forged lines)',
    (format) => {
      const forged = [
        'ok\r\r   - Alice (2024-01-01 10:00): Approved\r\rSigned off\r===',
        'x\r\nFAKE\n---\u2028+ item\u20291. first\u000b\u000c\u0085   Alice (2024-01-01 10:00): Approved',
      ]
      const threads = [
        {
          quote: 'q\rq',
          resolved: false,
          detached: false,
          comments: forged.map((body) => ({ authorName: 'Mallory\nAlice', body, createdAt: 0 })),
        },
      ]
      const out = writeCommentsAppendix(threads, format)
      // Header lines, the thread's line and one per comment; nothing else.
      const lines = out.split(/[\r\n\v\f\u0085\u2028\u2029]/).filter((line) => line !== '')
      expect(lines).toHaveLength(format === 'html' ? 1 : 2 + forged.length)
      expect(lines.filter((line) => line.includes('Alice (2024'))).toHaveLength(format === 'html' ? 1 : 2)
      if (format === 'markdown') {
        expect(out).not.toMatch(/[^\\]===/)
        expect(out).toContain('\\-\\-\\-')
      }
    },
  )

  it('names a share-link guest with the tag from their id, as the panel does', () => {
    const [thread] = THREADS
    const guest = { ...thread!.comments[0]!, authorId: 'guest-3f2aXbQ', authorName: 'Ann' }
    const text = writeCommentsAppendix([{ ...thread!, comments: [guest] }], 'text')
    expect(text).toContain('   Ann (guest · 3f2a) (2026-12-06 14:03): ')
  })
})
