// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memoryStorage'
import { nextThemeChoice, readThemeChoice, resolveTheme, saveThemeChoice, THEME_STORAGE_KEY } from './theme'

describe('theme choice', () => {
  it('defaults to system, remembers light and dark, and ignores junk', () => {
    const storage = createMemoryStorage()
    expect(readThemeChoice(storage)).toBe('system')
    saveThemeChoice(storage, 'dark')
    expect(readThemeChoice(storage)).toBe('dark')
    saveThemeChoice(storage, 'system')
    expect(storage.getItem(THEME_STORAGE_KEY)).toBeNull()
    storage.setItem(THEME_STORAGE_KEY, 'purple')
    expect(readThemeChoice(storage)).toBe('system')
  })

  it('resolves system against the media query and cycles through all three', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
    expect([nextThemeChoice('system'), nextThemeChoice('light'), nextThemeChoice('dark')]).toEqual([
      'light',
      'dark',
      'system',
    ])
  })
})
