/**
 * y-websocket sends an awareness frame for every awareness change, other people's included: each
 * client echoes every presence change it receives back to the server. In a room of N people that
 * doubles presence traffic into N^2 entries a second the server must read and drop as stale. This
 * replaces the provider's handler with one that sends only what changed in this client's own entry.
 */
import { encodeAwareness } from '@tandem/shared'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { WebsocketProvider } from 'y-websocket'

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

/** Installs the own-entry-only sender; returns a function that restores y-websocket's handler. */
export function sendOwnPresenceOnly(provider: WebsocketProvider): () => void {
  const { awareness } = provider
  // y-websocket 3.x keeps its handler here; it is what the provider registered on the awareness.
  const stock = (provider as unknown as { _awarenessUpdateHandler: (...args: unknown[]) => void })
    ._awarenessUpdateHandler
  const handler = ({ added, updated, removed }: AwarenessChanges) => {
    const own = awareness.clientID
    if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return
    const ws = provider.ws
    if (!provider.wsconnected || ws === null || ws.readyState !== ws.OPEN) return
    ws.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [own])))
  }
  awareness.off('update', stock)
  awareness.on('update', handler)
  return () => {
    awareness.off('update', handler)
    awareness.on('update', stock)
  }
}
