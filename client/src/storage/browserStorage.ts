/** The browser's localStorage, where the app keeps identity, theme, recent documents and tokens. */
import { createMemoryStorage } from './memoryStorage'

/** localStorage, or a throwaway in-memory Storage where it is unavailable (sandboxed iframes). */
export function browserStorage(): Storage {
  try {
    const storage = window.localStorage
    storage.getItem('tandem.probe')
    return storage
  } catch {
    return createMemoryStorage()
  }
}
