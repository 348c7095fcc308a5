// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { normalizeLinkUrl } from './editorActions'
import { formatShortcutLabel, matchShortcut } from './shortcuts'

const key = (
  code: string,
  modifiers: Partial<{ meta: boolean; ctrl: boolean; alt: boolean; shift: boolean }>,
) => ({
  code,
  metaKey: modifiers.meta ?? false,
  ctrlKey: modifiers.ctrl ?? false,
  altKey: modifiers.alt ?? false,
  shiftKey: modifiers.shift ?? false,
})

describe('matchShortcut', () => {
  it('uses Cmd on Apple platforms and Ctrl elsewhere', () => {
    expect(matchShortcut(key('KeyE', { meta: true }), true)).toEqual({ type: 'format', format: 'code' })
    expect(matchShortcut(key('KeyE', { ctrl: true }), false)).toEqual({ type: 'format', format: 'code' })
    expect(matchShortcut(key('KeyE', { ctrl: true }), true)).toBeNull()
  })

  it('matches modifiers exactly', () => {
    expect(matchShortcut(key('Digit1', { ctrl: true, alt: true }), false)).toEqual({
      type: 'block',
      block: 'h1',
    })
    expect(matchShortcut(key('Digit1', { ctrl: true }), false)).toBeNull()
    expect(matchShortcut(key('Digit8', { ctrl: true, shift: true }), false)).toEqual({
      type: 'block',
      block: 'bullet',
    })
    expect(matchShortcut(key('KeyX', { ctrl: true }), false)).toBeNull()
  })

  it('writes labels the platform way', () => {
    expect(formatShortcutLabel('Mod+Shift+X', true)).toBe('⌘⇧X')
    expect(formatShortcutLabel('Mod+Alt+1', false)).toBe('Ctrl+Alt+1')
  })
})

describe('normalizeLinkUrl', () => {
  it('accepts web and mail links, adding https to bare hosts', () => {
    expect(normalizeLinkUrl('example.com/a')).toBe('https://example.com/a')
    expect(normalizeLinkUrl('localhost:3000')).toBe('https://localhost:3000/')
    expect(normalizeLinkUrl('http://x.test')).toBe('http://x.test/')
    expect(normalizeLinkUrl('mailto:a@b.c')).toBe('mailto:a@b.c')
  })

  it('refuses scripts, data and empty input', () => {
    expect(normalizeLinkUrl('javascript:alert(1)')).toBeNull()
    expect(normalizeLinkUrl(' data:text/html,x')).toBeNull()
    expect(normalizeLinkUrl('   ')).toBeNull()
  })
})
