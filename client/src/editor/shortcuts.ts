/** Keyboard shortcuts beyond Lexical's built-ins (bold, italic, underline, undo and redo are core). */
import type { EditorAction } from './editorActions'

/** A shortcut: `mod` is Cmd on Apple platforms and Ctrl elsewhere; keys match `KeyboardEvent.code`. */
export interface Shortcut {
  code: string
  shift?: boolean
  alt?: boolean
  action: EditorAction
  /** Shown in toolbar tooltips, e.g. "Mod+Shift+X". */
  label: string
}

export const SHORTCUTS: readonly Shortcut[] = [
  { code: 'KeyX', shift: true, action: { type: 'format', format: 'strikethrough' }, label: 'Mod+Shift+X' },
  { code: 'KeyE', action: { type: 'format', format: 'code' }, label: 'Mod+E' },
  { code: 'KeyK', action: { type: 'link' }, label: 'Mod+K' },
  { code: 'Digit0', alt: true, action: { type: 'block', block: 'paragraph' }, label: 'Mod+Alt+0' },
  { code: 'Digit1', alt: true, action: { type: 'block', block: 'h1' }, label: 'Mod+Alt+1' },
  { code: 'Digit2', alt: true, action: { type: 'block', block: 'h2' }, label: 'Mod+Alt+2' },
  { code: 'Digit3', alt: true, action: { type: 'block', block: 'h3' }, label: 'Mod+Alt+3' },
  { code: 'Digit7', shift: true, action: { type: 'block', block: 'number' }, label: 'Mod+Shift+7' },
  { code: 'Digit8', shift: true, action: { type: 'block', block: 'bullet' }, label: 'Mod+Shift+8' },
  { code: 'Digit9', shift: true, action: { type: 'block', block: 'check' }, label: 'Mod+Shift+9' },
  { code: 'KeyQ', alt: true, action: { type: 'block', block: 'quote' }, label: 'Mod+Alt+Q' },
  { code: 'KeyC', alt: true, action: { type: 'block', block: 'code' }, label: 'Mod+Alt+C' },
]

/** Labels Lexical's built-in shortcuts use, for tooltips. */
export const BUILT_IN_SHORTCUT_LABELS = {
  bold: 'Mod+B',
  italic: 'Mod+I',
  underline: 'Mod+U',
  undo: 'Mod+Z',
  redo: 'Mod+Shift+Z',
} as const

export interface KeyLike {
  code: string
  metaKey: boolean
  ctrlKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/** The action bound to `event`, if any; matching is exact on every modifier. */
export function matchShortcut(event: KeyLike, isApple: boolean): EditorAction | null {
  const mod = isApple ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
  if (!mod) return null
  const found = SHORTCUTS.find(
    (shortcut) =>
      shortcut.code === event.code &&
      Boolean(shortcut.shift) === event.shiftKey &&
      Boolean(shortcut.alt) === event.altKey,
  )
  return found?.action ?? null
}

/** "Mod+Shift+X" as this platform writes it ("⌘⇧X" or "Ctrl+Shift+X"). */
export function formatShortcutLabel(label: string, isApple: boolean): string {
  if (!isApple) return label.replace('Mod', 'Ctrl')
  return label.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥')
}
