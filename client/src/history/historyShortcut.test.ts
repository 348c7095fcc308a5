// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isHistoryShortcut } from './historyShortcut'

const press = (overrides: Partial<KeyboardEvent>) => ({
  code: 'KeyH',
  altKey: true,
  shiftKey: true,
  ctrlKey: false,
  metaKey: false,
  ...overrides,
})

describe('isHistoryShortcut', () => {
  it('is Ctrl or Cmd with Alt, Shift and H (by key position, whatever Alt types on a Mac)', () => {
    expect(isHistoryShortcut(press({ ctrlKey: true }))).toBe(true)
    expect(isHistoryShortcut(press({ metaKey: true }))).toBe(true)
  })

  it('is nothing else', () => {
    expect(isHistoryShortcut(press({}))).toBe(false)
    expect(isHistoryShortcut(press({ ctrlKey: true, altKey: false }))).toBe(false)
    expect(isHistoryShortcut(press({ ctrlKey: true, shiftKey: false }))).toBe(false)
    expect(isHistoryShortcut(press({ ctrlKey: true, code: 'KeyJ' }))).toBe(false)
  })
})
