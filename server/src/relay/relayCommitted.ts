/**
 * The commit queue's listener that tells other nodes: each committed batch becomes one relay
 * message per room, its updates merged. Durable before it leaves, like everything a node sends.
 */
import * as Y from 'yjs'
import type { CommitListener } from '../persistence/CommitQueue'
import type { Relay } from './Relay'

export function relayCommitted(relay: Relay): CommitListener {
  return (entries) => {
    const byRoom = new Map<string, Uint8Array[]>()
    for (const { room, update } of entries) {
      const updates = byRoom.get(room)
      if (updates) updates.push(update)
      else byRoom.set(room, [update])
    }
    for (const [room, updates] of byRoom) {
      const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
      relay.publish(room, { kind: 'update', update })
    }
  }
}
