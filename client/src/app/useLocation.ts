/** Client-side navigation without a router library: the current location plus a `navigate` function. */
import { useCallback, useEffect, useState } from 'react'

export interface AppLocation {
  pathname: string
  search: string
  hash: string
}

function readLocation(): AppLocation {
  const { pathname, search, hash } = window.location
  return { pathname, search, hash }
}

/** The current location; re-renders on back/forward, fragment changes and `navigate`. */
/** Goes to an app URL; `replace` swaps the current history entry instead of adding one. */
export type Navigate = (url: string, options?: { replace?: boolean }) => void

export function useLocation(): { location: AppLocation; navigate: Navigate } {
  const [location, setLocation] = useState(readLocation)
  useEffect(() => {
    const update = () => setLocation(readLocation())
    window.addEventListener('popstate', update)
    window.addEventListener('hashchange', update)
    return () => {
      window.removeEventListener('popstate', update)
      window.removeEventListener('hashchange', update)
    }
  }, [])
  const navigate = useCallback<Navigate>((url, options) => {
    if (options?.replace) window.history.replaceState(null, '', url)
    else window.history.pushState(null, '', url)
    setLocation(readLocation())
    window.scrollTo(0, 0)
  }, [])
  return { location, navigate }
}
