// @vitest-environment happy-dom
import { $getRoot, createEditor, type LexicalEditor } from 'lexical'
import { describe, expect, it } from 'vitest'
import { EDITOR_NODES } from '../editorNodes'
import { ContentLimitError, MAX_CONTENT_DEPTH } from './contentFormats'
import { $importContent } from './importContent'
import { looksLikeMarkdown } from './looksLikeMarkdown'
import { HTML_CONFIG } from './nodeFormats'
import { readContent } from './readContent'

/** Every construct the supported subset has, written as Lexical's exporter writes it. */
const SUPPORTED_MARKDOWN = `# Heading one

## Heading two

Plain, **bold**, *italic*, ***both***, ~~struck~~, \`code\` and a [link](https://example.com/a?b=1).

> A quote with **bold**

- first
- second
    - nested
- third

1. one
2. two

- [ ] open task
- [x] done task

\`\`\`js
const x = 1
\`\`\`

Last paragraph
`

function createTestEditor(): LexicalEditor {
  return createEditor({
    namespace: 'test',
    nodes: [...EDITOR_NODES],
    html: HTML_CONFIG,
    onError: (error) => {
      throw error
    },
  })
}

function importInto(editor: LexicalEditor, format: 'markdown' | 'html', source: string): void {
  editor.update(
    () => {
      $getRoot()
        .clear()
        .append(...$importContent(format, source))
    },
    { discrete: true },
  )
}

function markdownRoundTrip(markdown: string): string {
  const editor = createTestEditor()
  importInto(editor, 'markdown', markdown)
  return readContent(editor, 'markdown')
}

describe('Markdown -> document -> Markdown', () => {
  it('reproduces the supported subset exactly', () => {
    expect(markdownRoundTrip(SUPPORTED_MARKDOWN)).toBe(SUPPORTED_MARKDOWN)
  })

  it('is stable: a second round trip changes nothing', () => {
    const once = markdownRoundTrip('* star bullet\n\nline one\nline two\n\n__under__ _it_\n')
    expect(markdownRoundTrip(once)).toBe(once)
  })

  it('keeps the structure it claims to: headings, lists, check items, code, links', () => {
    const editor = createTestEditor()
    importInto(editor, 'markdown', SUPPORTED_MARKDOWN)
    const types = editor.read(() =>
      $getRoot()
        .getChildren()
        .map((node) => node.getType()),
    )
    expect(types).toEqual([
      'heading',
      'heading',
      'paragraph',
      'quote',
      'list',
      'list',
      'list',
      'code',
      'paragraph',
    ])
    const json = JSON.parse(readContent(editor, 'json')) as { children: Array<Record<string, unknown>> }
    expect(json.children[6]).toMatchObject({ listType: 'check' })
    expect(readContent(editor, 'text')).toContain('open task')
  })
})

describe('HTML', () => {
  it('exports what Markdown imported, and imports it back to the same document', () => {
    const editor = createTestEditor()
    importInto(editor, 'markdown', SUPPORTED_MARKDOWN)
    const html = readContent(editor, 'html')
    expect(html).toContain('<h1')
    expect(html).toContain('<a href="https://example.com/a?b=1"')
    expect(html).toContain('<blockquote')
    const again = createTestEditor()
    importInto(again, 'html', html)
    expect(readContent(again, 'markdown')).toBe(SUPPORTED_MARKDOWN)
  })

  it('wraps bare top-level text and inline elements in paragraphs', () => {
    const editor = createTestEditor()
    importInto(editor, 'html', 'loose <b>text</b><p>para</p><a href="https://x.test">tail</a>')
    expect(readContent(editor, 'markdown')).toBe('loose **text**\n\npara\n\n[tail](https://x.test)\n')
  })

  it('drops scripts and event handlers: only known nodes come in', () => {
    const editor = createTestEditor()
    importInto(
      editor,
      'html',
      '<p onclick="alert(1)">hi<script>alert(2)</script><img src=x onerror=alert(3)></p>',
    )
    const html = readContent(editor, 'html')
    expect(html).not.toMatch(/script|onclick|onerror|alert/)
    expect(readContent(editor, 'text')).toBe('hi')
  })
})

describe('bounds', () => {
  it('refuses nesting deeper than MAX_CONTENT_DEPTH', () => {
    const editor = createTestEditor()
    const deep = `${'<ul><li>'.repeat(MAX_CONTENT_DEPTH)}x${'</li></ul>'.repeat(MAX_CONTENT_DEPTH)}`
    expect(() => importInto(editor, 'html', deep)).toThrow(ContentLimitError)
    expect(editor.read(() => $getRoot().getTextContent())).toBe('')
  })
})

describe('looksLikeMarkdown', () => {
  it.each([
    '# Title',
    'intro\n- item',
    '- [ ] task',
    '1. first',
    '> quoted',
    '```\ncode\n```',
    'some **bold** words',
    'see [docs](https://x.test)',
  ])('takes %j as Markdown', (text) => {
    expect(looksLikeMarkdown(text)).toBe(true)
  })

  it.each(['plain words', 'a * b = c', 'snake_case_name', 'https://example.com/x', '#hashtag'])(
    'leaves %j as text',
    (text) => {
      expect(looksLikeMarkdown(text)).toBe(false)
    },
  )
})
