/**
 * Keeps this tab's presence true across reconnects and cancelled unloads: re-announce on every open
 * socket, forget peers the provider dropped locally, and restore presence a "Leave site?" prompt
 * cleared when the person chose to stay.
 */
import type { Awareness } from 'y-protocols/awareness'

/**
 * y-websocket removes every remote state when its socket closes but keeps their clocks, and the
 * server re-sends those states at the same clocks on reconnect, which y-protocols ignores as not
 * newer. Forgetting the clocks of peers with no state lets the server's snapshot bring them back.
 * Call while disconnected, before the server's awareness arrives.
 */
export function forgetDepartedPeers(awareness: Awareness): void {
  for (const clientId of [...awareness.meta.keys()]) {
    if (clientId !== awareness.clientID && !awareness.states.has(clientId)) awareness.meta.delete(clientId)
  }
}

/**
 * Sets the local state again, which bumps its clock: y-websocket re-sends the state at its old clock
 * on open, and the server (and peers that saw the old socket's removal) take an entry not newer than
 * the one they hold as an echo (docs/protocol.md, awareness rule 5).
 */
export function reannouncePresence(awareness: Awareness): void {
  const state = awareness.getLocalState()
  if (state !== null) awareness.setLocalState({ ...state })
}

/** The provider events the re-announcement follows. */
export interface StatusSource {
  on(event: 'status', listener: (event: { status: string }) => void): void
  off(event: 'status', listener: (event: { status: string }) => void): void
}

/**
 * On every opened socket: forget departed peers and re-announce. The 'status' event fires in the
 * socket's open handler before y-websocket sends its own copy of the state and before any message
 * from the server is read. Returns the unsubscribe function.
 */
export function registerPresenceOnReconnect(provider: StatusSource, awareness: Awareness): () => void {
  const handleStatus = ({ status }: { status: string }) => {
    if (status !== 'connected') return
    forgetDepartedPeers(awareness)
    reannouncePresence(awareness)
  }
  provider.on('status', handleStatus)
  return () => provider.off('status', handleStatus)
}

/** The window events presence follows; `window` in the browser, a fake in tests. */
export interface PageEvents {
  addEventListener(type: 'beforeunload' | 'pagehide' | 'pageshow', listener: (event: Event) => void): void
  removeEventListener(type: 'beforeunload' | 'pagehide' | 'pageshow', listener: (event: Event) => void): void
}

export interface RestorePresenceOptions {
  /** Runs `callback` once the current task (and any beforeunload prompt) is over. */
  defer?: (callback: () => void) => void
}

/**
 * Lexical's collaboration plugin clears the local presence on `beforeunload`, which also fires when
 * a "Leave site?" prompt is then cancelled: the person stays, invisible. The page survives the
 * prompt exactly when a task after `beforeunload` runs without a `pagehide` in between, so the
 * last state is put back then; also on `pageshow` from the back/forward cache. Returns the
 * unsubscribe function.
 */
export function registerPresenceRestoreOnStay(
  page: PageEvents,
  awareness: Awareness,
  options: RestorePresenceOptions = {},
): () => void {
  const defer = options.defer ?? ((callback) => setTimeout(callback, 0))
  let lastState = awareness.getLocalState()
  let hidden = false
  const handleUpdate = () => {
    const state = awareness.getLocalState()
    if (state !== null) lastState = state
  }
  const restore = () => {
    if (!hidden && awareness.getLocalState() === null && lastState !== null) {
      awareness.setLocalState({ ...lastState })
    }
  }
  const handleBeforeUnload = () => {
    hidden = false
    defer(restore)
  }
  const handlePageHide = () => {
    hidden = true
  }
  const handlePageShow = (event: Event) => {
    hidden = false
    if ((event as PageTransitionEvent).persisted) restore()
  }
  awareness.on('update', handleUpdate)
  page.addEventListener('beforeunload', handleBeforeUnload)
  page.addEventListener('pagehide', handlePageHide)
  page.addEventListener('pageshow', handlePageShow)
  return () => {
    awareness.off('update', handleUpdate)
    page.removeEventListener('beforeunload', handleBeforeUnload)
    page.removeEventListener('pagehide', handlePageHide)
    page.removeEventListener('pageshow', handlePageShow)
  }
}
