/** The current time as React state, for countdowns ("reconnecting in 4 s", "trying again in 3 s"). */
import { useEffect, useState } from 'react'

/** Current time, re-read every `intervalMs` while `active`. */
export function useNow(intervalMs: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs, active])
  return now
}
