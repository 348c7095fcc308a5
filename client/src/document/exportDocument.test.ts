// @vitest-environment happy-dom
import { $importContent } from '@tandem/shared/content/importContent'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { $getRoot, createEditor } from 'lexical'
import { describe, expect, it } from 'vitest'
import { exportDocument, fileStem } from './exportDocument'
import {
  ImportRefusedError,
  importDocumentFile,
  importFormatOf,
  titleFromFileName,
} from './importDocumentFile'

function editorWith(markdown: string) {
  const editor = createEditor({
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
  editor.update(
    () => {
      $getRoot()
        .clear()
        .append(...$importContent('markdown', markdown))
    },
    { discrete: true },
  )
  return editor
}

describe('exportDocument', () => {
  it('names the file after the title and holds the document in each format', () => {
    const editor = editorWith('# Plan\n\n- **one**')
    expect(exportDocument(editor, 'markdown', 'Q3 plan')).toEqual({
      name: 'Q3 plan.md',
      type: 'text/markdown; charset=utf-8',
      text: '# Plan\n\n- **one**\n',
    })
    expect(exportDocument(editor, 'text', '  ').name).toBe('Untitled.txt')
    const html = exportDocument(editor, 'html', 'A <b>bold</b> title')
    expect(html.name).toBe('A b bold b title.html')
    expect(html.text).toMatch(/^<!doctype html>/)
    expect(html.text).toContain('<title>A &#60;b&#62;bold&#60;/b&#62; title</title>')
    expect(html.text).toMatch(/<h1[^>]*>.*Plan/)
  })

  it('makes file names every system accepts', () => {
    expect(fileStem('a/b\\c:d*e?f"g<h>i|j')).toBe('a b c d e f g h i j')
    expect(fileStem('...hidden')).toBe('hidden')
    expect(fileStem('x'.repeat(200))).toHaveLength(80)
    expect(fileStem('\u0000\u001f')).toBe('Untitled')
  })
})

describe('importDocumentFile', () => {
  it('reads .html as HTML and everything else as Markdown, titled after the file', () => {
    expect(importFormatOf({ name: 'notes.HTM', type: '' })).toBe('html')
    expect(importFormatOf({ name: 'export', type: 'text/html' })).toBe('html')
    expect(importFormatOf({ name: 'notes.md', type: 'text/markdown' })).toBe('markdown')
    expect(importFormatOf({ name: 'notes.txt', type: 'text/plain' })).toBe('markdown')
    expect(titleFromFileName('Meeting notes.md')).toBe('Meeting notes')
    expect(titleFromFileName('.md')).toBe('Untitled')
  })

  it('refuses a file over the import limit before sending it', async () => {
    const big = new File(['x'.repeat(600 * 1024)], 'big.md', { type: 'text/markdown' })
    await expect(importDocumentFile(big, null)).rejects.toThrow(ImportRefusedError)
  })
})
