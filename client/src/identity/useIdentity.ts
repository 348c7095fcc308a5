/** This browser's identity as React state, persisted in localStorage. */
import { useCallback, useState } from 'react'
import { type Identity, loadIdentity, saveName } from './identity'
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

export function useIdentity(): { identity: Identity; setName: (name: string) => void } {
  const [identity, setIdentity] = useState(() => loadIdentity(browserStorage()))
  const setName = useCallback((name: string) => {
    const saved = saveName(browserStorage(), name)
    setIdentity((current) => ({ ...current, name: saved === '' ? null : saved }))
  }, [])
  return { identity, setName }
}
