/** Leading-and-trailing throttle for bursts of events (presence in rooms of thousands). */

export interface Throttled {
  /** Asks for a run: at once when the last run is older than the interval, else when it ends. */
  request(): void
  /** Drops a run that is waiting. */
  cancel(): void
}

/** Calls `run` at most once per `intervalMs`; requests meanwhile share one run when it ends. */
export function throttle(intervalMs: number, run: () => void): Throttled {
  let lastRunAt = Number.NEGATIVE_INFINITY
  let timer: ReturnType<typeof setTimeout> | undefined
  const fire = () => {
    timer = undefined
    lastRunAt = performance.now()
    run()
  }
  return {
    request() {
      if (timer !== undefined) return
      const wait = lastRunAt + intervalMs - performance.now()
      if (wait <= 0) fire()
      else timer = setTimeout(fire, wait)
    },
    cancel() {
      clearTimeout(timer)
      timer = undefined
    },
  }
}
