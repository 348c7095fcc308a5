// @vitest-environment happy-dom
import { $isCodeNode } from '@lexical/code'
import type { ElementTransformer } from '@lexical/markdown'
import { $isTableCellNode, $isTableNode, $isTableRowNode, TableCellHeaderStates } from '@lexical/table'
import { $createParagraphNode, $createTextNode, $getRoot, createEditor, type LexicalEditor } from 'lexical'
import { describe, expect, it } from 'vitest'
import { EDITOR_NODES } from '../editorNodes'
import { $isImageNode } from '../ImageNode'
import { ContentLimitError, MAX_CONTENT_DEPTH } from './contentFormats'
import { $importContent } from './importContent'
import { looksLikeMarkdown } from './looksLikeMarkdown'
import { HTML_CONFIG, MARKDOWN_SHORTCUTS, MARKDOWN_TRANSFORMERS } from './nodeFormats'
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

/** Tables (with and without a header row), dividers and code languages, as the exporter writes them. */
const BLOCKS_MARKDOWN = `| Name | **Bold** \\| pipe |
| --- | --- |
| a | [link](https://x.test) *it* |
| two<br>lines | \`code\` |

---

|  |  |
| --- | --- |
| no | header |

\`\`\`python
print("hi")
\`\`\`

\`\`\`
plain
\`\`\`
`

/** Each top-level block's type, and for tables their rows' cells as [header?, text]. */
function blocksOf(editor: LexicalEditor): unknown[] {
  return editor.read(() =>
    $getRoot()
      .getChildren()
      .map((node) =>
        $isTableNode(node)
          ? node
              .getChildren()
              .filter($isTableRowNode)
              .map((row) =>
                row
                  .getChildren()
                  .filter($isTableCellNode)
                  .map(
                    (cell) =>
                      `${cell.hasHeaderState(TableCellHeaderStates.ROW) ? 'th' : 'td'}:${cell.getTextContent()}`,
                  ),
              )
          : $isCodeNode(node)
            ? `code:${node.getLanguage() ?? ''}`
            : node.getType(),
      ),
  )
}

describe('tables, dividers and code languages', () => {
  it('Markdown -> document -> Markdown reproduces them exactly, and is stable', () => {
    const once = markdownRoundTrip(BLOCKS_MARKDOWN)
    expect(once).toBe(BLOCKS_MARKDOWN)
    expect(markdownRoundTrip(once)).toBe(once)
  })

  it('imports GFM tables as tables with a header row, an empty header row as none, --- as a divider', () => {
    const editor = createTestEditor()
    importInto(editor, 'markdown', BLOCKS_MARKDOWN)
    expect(blocksOf(editor)).toEqual([
      [
        ['th:Name', 'th:Bold | pipe'],
        ['td:a', 'td:link it'],
        ['td:two\nlines', 'td:code'],
      ],
      'horizontalrule',
      [['td:no', 'td:header']],
      'code:python',
      'code:',
    ])
  })

  it('reads ragged rows, alignment colons and *** / ___ dividers, and leaves pipes without a delimiter row as text', () => {
    const editor = createTestEditor()
    importInto(
      editor,
      'markdown',
      '| a | b |\n|:--|--:|\n| 1 |\n| 2 | 3 | 4 |\n\n***\n\n___\n\n| just | pipes |\n',
    )
    expect(blocksOf(editor)).toEqual([
      [
        ['th:a', 'th:b', 'td:'],
        ['td:1', 'td:', 'td:'],
        ['td:2', 'td:3', 'td:4'],
      ],
      'horizontalrule',
      'horizontalrule',
      'paragraph',
    ])
    expect(readContent(editor, 'text')).toContain('| just | pipes |')
  })

  it('HTML export and import round-trip them through <table>/<th>, <hr> and <pre data-language>', () => {
    const editor = createTestEditor()
    importInto(editor, 'markdown', BLOCKS_MARKDOWN)
    const html = readContent(editor, 'html')
    expect(html).toMatch(/<table[^>]*>.*<th[^>]*>.*Name/)
    expect(html.match(/<table/g)).toHaveLength(2)
    expect(html).toContain('<hr>')
    expect(html).toContain('data-language="python"')
    const again = createTestEditor()
    importInto(again, 'html', html)
    expect(readContent(again, 'markdown')).toBe(BLOCKS_MARKDOWN)
  })

  it("imports other tools' HTML tables and code blocks", () => {
    const editor = createTestEditor()
    importInto(
      editor,
      'html',
      '<table><thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td><b>x</b></td><td>y</td></tr></tbody></table>' +
        '<hr/><pre><code class="language-rust">fn main() {}</code></pre><pre><code class="hljs language-ts">a\nb</code></pre>',
    )
    expect(readContent(editor, 'markdown')).toBe(
      '| h1 | h2 |\n| --- | --- |\n| **x** | y |\n\n---\n\n```rust\nfn main() {}\n```\n\n```ts\na\nb\n```\n',
    )
  })

  it('leaves a typed table row alone: the Markdown shortcuts make no tables (the / menu does)', () => {
    const table = MARKDOWN_TRANSFORMERS.find(
      (transformer): transformer is ElementTransformer =>
        transformer.type === 'element' && transformer.regExp.test('| a |'),
    )!
    const editor = createTestEditor()
    editor.update(
      () => {
        const text = $createTextNode('| a |')
        const paragraph = $createParagraphNode().append(text)
        $getRoot().clear().append(paragraph)
        expect(table.replace(paragraph, [text], '| a |'.match(table.regExp)!, false)).toBe(false)
      },
      { discrete: true },
    )
    expect(blocksOf(editor)).toEqual(['paragraph'])
    expect(readContent(editor, 'text')).toBe('| a |')
  })
})

const HASH = 'ab'.repeat(32)

/** Images as Markdown lines, as the exporter writes them. */
const IMAGES_MARKDOWN = `Before

![A chart \\] with a bracket](uploads/${HASH} "Sales, \\"2026\\"")

![Remote logo](https://example.com/logo%28v2%29.png)

![No source]()

After
`

function imagesOf(editor: LexicalEditor) {
  return editor.read(() =>
    $getRoot()
      .getChildren()
      .filter($isImageNode)
      .map((image) => image.getFields()),
  )
}

describe('images', () => {
  it('Markdown: an uploaded image, a placeholder with its link, one without; exact and stable', () => {
    const once = markdownRoundTrip(IMAGES_MARKDOWN)
    expect(once).toBe(IMAGES_MARKDOWN)
    expect(markdownRoundTrip(once)).toBe(once)
    const editor = createTestEditor()
    importInto(editor, 'markdown', IMAGES_MARKDOWN)
    expect(imagesOf(editor)).toEqual([
      {
        hash: HASH,
        sourceUrl: null,
        altText: 'A chart ] with a bracket',
        caption: 'Sales, "2026"',
        width: null,
      },
      {
        hash: null,
        sourceUrl: 'https://example.com/logo%28v2%29.png',
        altText: 'Remote logo',
        caption: '',
        width: null,
      },
      { hash: null, sourceUrl: null, altText: 'No source', caption: '', width: null },
    ])
  })

  it("reads other tools' image lines: <angle> targets, signed Tandem URLs, unsafe links dropped", () => {
    const editor = createTestEditor()
    importInto(
      editor,
      'markdown',
      `![a](<https://x.test/my pic.png> "cap")

![b](https://tandem.test/uploads/doc-1/${HASH}?expires=1&signature=s)

![c](javascript:alert(1))

text ![d](https://x.test/i.png) inline
`,
    )
    expect(imagesOf(editor)).toEqual([
      { hash: null, sourceUrl: 'https://x.test/my%20pic.png', altText: 'a', caption: 'cap', width: null },
      { hash: HASH, sourceUrl: null, altText: 'b', caption: '', width: null },
    ])
    // The `javascript:` line is no image (its parenthesis ends the link early) and an image inside a
    // paragraph stays text with a link: images are blocks.
    expect(readContent(editor, 'text')).toContain('inline')
  })

  it('HTML: a caption is a <figure> with a <figcaption>, and both come back', () => {
    const editor = createTestEditor()
    importInto(editor, 'markdown', IMAGES_MARKDOWN)
    const html = readContent(editor, 'html')
    expect(html).toMatch(
      /<figure><img alt="A chart \] with a bracket" data-tandem-image="[0-9a-f]{64}"><figcaption>Sales, "2026"<\/figcaption><\/figure>/,
    )
    const again = createTestEditor()
    importInto(again, 'html', html)
    expect(imagesOf(again)).toEqual(imagesOf(editor))
    expect(readContent(again, 'markdown')).toBe(IMAGES_MARKDOWN)

    const other = createTestEditor()
    importInto(
      other,
      'html',
      `<figure><img src="uploads/${HASH}" alt="x"><figcaption> Caption </figcaption></figure><figure><blockquote>quoted</blockquote></figure>`,
    )
    expect(imagesOf(other)).toEqual([
      { hash: HASH, sourceUrl: null, altText: 'x', caption: 'Caption', width: null },
    ])
    expect(readContent(other, 'text')).toContain('quoted')
  })

  it('typing an image line in the editor makes no image: the shortcut is off', () => {
    expect(MARKDOWN_SHORTCUTS.some((t) => t.type === 'element' && t.regExp.test('![a](b)'))).toBe(false)
    expect(MARKDOWN_TRANSFORMERS.some((t) => t.type === 'element' && t.regExp.test('![a](b)'))).toBe(true)
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
