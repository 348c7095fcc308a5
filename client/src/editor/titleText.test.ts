// @vitest-environment node

import { hasUnsafeTextCharacters, MAX_TITLE_LENGTH } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyTitleInput, diffText, readTitleCaret, resolveTitleCaret } from './titleText'

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

describe('diffText with a caret', () => {
  it('takes a character typed next to an equal one as typed at the caret', () => {
    // "Plan " + a space typed at 4, before the existing one: the caret is at 5.
    expect(diffText('Plan ', 'Plan  ', 5)).toEqual({ index: 4, remove: 0, insert: ' ' })
    expect(diffText('Plan ', 'Plan  ')).toEqual({ index: 5, remove: 0, insert: ' ' })
    expect(diffText('aab', 'aaab', 1)).toEqual({ index: 0, remove: 0, insert: 'a' })
  })

  it('still finds the edit when the caret is elsewhere', () => {
    expect(diffText('abc', 'abcX', 0)).toEqual({ index: 3, remove: 0, insert: 'X' })
    expect(diffText('abcd', 'ad', 0)).toEqual({ index: 1, remove: 2, insert: '' })
  })
})

describe('readTitleCaret / resolveTitleCaret', () => {
  /** Two docs in sync; `remote` edits, then its change reaches `local`. */
  function pair(initial: string) {
    const local = new Y.Doc()
    const remote = new Y.Doc()
    local.getText('title').insert(0, initial)
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(local))
    const deliver = () => Y.applyUpdate(local, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(local)))
    return { text: local.getText('title'), remoteText: remote.getText('title'), deliver }
  }

  it('keeps a caret before text someone else inserts exactly at it', () => {
    const { text, remoteText, deliver } = pair('Plan A')
    const caret = readTitleCaret(text, 4, 4)
    remoteText.insert(4, ' B')
    deliver()
    expect(text.toString()).toBe('Plan B A')
    expect(resolveTitleCaret(text, caret)).toEqual([4, 4])
  })

  it('moves a caret by remote inserts and deletes before it', () => {
    const { text, remoteText, deliver } = pair('Plan A')
    const caret = readTitleCaret(text, 6, 6)
    remoteText.insert(0, 'New ')
    deliver()
    expect(resolveTitleCaret(text, caret)).toEqual([10, 10])
    const again = readTitleCaret(text, 10, 10)
    text.doc?.transact(() => text.delete(0, 4))
    expect(resolveTitleCaret(text, again)).toEqual([6, 6])
  })

  it('keeps a caret at the start before text inserted at the start', () => {
    const { text, remoteText, deliver } = pair('Plan')
    const caret = readTitleCaret(text, 0, 0)
    remoteText.insert(0, 'X')
    deliver()
    expect(resolveTitleCaret(text, caret)).toEqual([0, 0])
  })

  it('keeps a selection to its characters: inserts at either edge stay outside', () => {
    const { text, remoteText, deliver } = pair('abcd')
    const selection = readTitleCaret(text, 1, 3)
    remoteText.insert(3, 'Y')
    remoteText.insert(1, 'X')
    deliver()
    expect(text.toString()).toBe('aXbcYd')
    expect(resolveTitleCaret(text, selection)).toEqual([2, 4])
  })
})
