import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readV2EditorState } from '../../test/helpers/lexicalDocuments'
import { createContentEdit, renderContent } from './headlessContent'

const MARKDOWN = '# Plan\n\n- [ ] write **tests**\n- [x] ship\n\nSee [docs](https://example.com)\n'

function docWith(markdown: string): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, createContentEdit(doc, 'replace', 'markdown', markdown))
  return doc
}

describe('headless content', () => {
  it('writes Markdown into the V2 tree the web app reads, and renders it back in every format', () => {
    const doc = docWith(MARKDOWN)
    const state = readV2EditorState(doc)
    expect(state.root.children.map((node) => node.type)).toEqual(['heading', 'list', 'paragraph'])
    expect(renderContent(doc, 'markdown')).toBe(MARKDOWN)
    expect(renderContent(doc, 'html')).toContain('<h1')
    expect(renderContent(doc, 'text')).toContain('write tests')
    expect(JSON.parse(renderContent(doc, 'json')).children[0]).toMatchObject({ type: 'heading', tag: 'h1' })
  })

  it('renders tables, dividers and code languages in Markdown and in HTML (tables once vanished from it)', () => {
    const markdown = '| a | **b** |\n| --- | --- |\n| 1 | 2 |\n\n---\n\n```sql\nselect 1\n```\n'
    const doc = docWith(markdown)
    expect(readV2EditorState(doc).root.children.map((node) => node.type)).toEqual([
      'table',
      'horizontalrule',
      'code',
    ])
    expect(renderContent(doc, 'markdown')).toBe(markdown)
    const html = renderContent(doc, 'html')
    expect(html).toMatch(/<table[^>]*><tbody><tr><th[^>]*><p>.*a.*<\/th>/)
    expect(html).toContain('<hr>')
    expect(html).toContain('data-language="sql"')
    const again = new Y.Doc()
    Y.applyUpdate(again, createContentEdit(again, 'replace', 'html', html))
    expect(renderContent(again, 'markdown')).toBe(markdown)
  })

  it('appends after the content, and replaces all of it, as updates that apply to the original', () => {
    const doc = docWith('first\n')
    Y.applyUpdate(doc, createContentEdit(doc, 'append', 'html', '<p>second <i>html</i></p>'))
    expect(renderContent(doc, 'markdown')).toBe('first\n\nsecond *html*\n')
    const replace = createContentEdit(doc, 'replace', 'markdown', '## only')
    // Someone else's concurrent copy still merges with it.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    Y.applyUpdate(other, replace)
    expect(renderContent(other, 'markdown')).toBe('## only\n')
    expect(renderContent(doc, 'markdown'), 'the original is untouched').toBe('first\n\nsecond *html*\n')
  })

  it('keeps an empty paragraph when the content is empty', () => {
    const doc = docWith('')
    expect(readV2EditorState(doc).root.children.map((node) => node.type)).toEqual(['paragraph'])
  })
})
