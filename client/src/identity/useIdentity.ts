/** This browser's identity as React state, persisted in localStorage. */
import { useCallback, useState } from 'react'
import { browserStorage } from '../storage/browserStorage'
import { type Identity, loadIdentity, saveName } from './identity'

export function useIdentity(): { identity: Identity; setName: (name: string) => void } {
  const [identity, setIdentity] = useState(() => loadIdentity(browserStorage()))
  const setName = useCallback((name: string) => {
    const saved = saveName(browserStorage(), name)
    setIdentity((current) => ({ ...current, name: saved === '' ? null : saved }))
  }, [])
  return { identity, setName }
}
