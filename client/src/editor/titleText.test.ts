// @vitest-environment node

import { hasUnsafeTextCharacters, MAX_TITLE_LENGTH } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyTitleInput, type DeltaOp, diffText, transformIndex } from './titleText'

describe('diffText', () => {
  it('finds the single replacement between two strings', () => {
    expect(diffText('hello', 'hello world')).toEqual({ index: 5, remove: 0, insert: ' world' })
    expect(diffText('hello world', 'hello')).toEqual({ index: 5, remove: 6, insert: '' })
    expect(diffText('abc', 'aXc')).toEqual({ index: 1, remove: 1, insert: 'X' })
    expect(diffText('aaa', 'aa')).toEqual({ index: 2, remove: 1, insert: '' })
  })
})

describe('applyTitleInput', () => {
  it('merges concurrent edits to different parts of the title', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    applyTitleInput(a.getText('title'), 'Plan')
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    applyTitleInput(a.getText('title'), 'Big Plan')
    applyTitleInput(b.getText('title'), 'Plan 2026')
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(a.getText('title').toString()).toBe('Big Plan 2026')
    expect(b.getText('title').toString()).toBe('Big Plan 2026')
  })

  it('flattens line breaks and caps the length', () => {
    const doc = new Y.Doc()
    applyTitleInput(doc.getText('title'), `a\nb${'x'.repeat(500)}`)
    const title = doc.getText('title').toString()
    expect(title.startsWith('a b')).toBe(true)
    expect(title).toHaveLength(MAX_TITLE_LENGTH)
  })

  it('never writes bidi overrides or lone surrogates, even when the cap halves an emoji', () => {
    const doc = new Y.Doc()
    const text = doc.getText('title')
    applyTitleInput(text, 'invoice\u202e\u2066fdp.exe\ud800')
    expect(text.toString()).toBe('invoicefdp.exe')
    applyTitleInput(text, `${'x'.repeat(MAX_TITLE_LENGTH - 1)}😀`)
    expect(text.toString()).toBe('x'.repeat(MAX_TITLE_LENGTH - 1))
    expect(hasUnsafeTextCharacters(text.toString())).toBe(false)
  })
})

describe('transformIndex', () => {
  it('moves a caret by remote inserts and deletes before it, not after it', () => {
    const insertBefore: DeltaOp[] = [{ retain: 1 }, { insert: 'XY' }]
    expect(transformIndex(3, insertBefore)).toBe(5)
    expect(transformIndex(1, insertBefore)).toBe(1)
    const deleteAcross: DeltaOp[] = [{ retain: 1 }, { delete: 4 }]
    expect(transformIndex(3, deleteAcross)).toBe(1)
    expect(transformIndex(8, deleteAcross)).toBe(4)
    expect(transformIndex(0, [{ insert: 'abc' }])).toBe(0)
  })
})
