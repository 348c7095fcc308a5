/** Ctrl/Cmd+Alt+Shift+H opens the version history. By `code`: Alt changes the typed key on a Mac. */
export function isHistoryShortcut(
  event: Pick<KeyboardEvent, 'code' | 'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey'>,
): boolean {
  return event.code === 'KeyH' && event.altKey && event.shiftKey && (event.ctrlKey || event.metaKey)
}
