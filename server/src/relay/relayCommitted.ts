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
      let merged: Uint8Array[]
      try {
        merged = updates.length === 1 ? updates : [Y.mergeUpdates(updates)]
      } catch {
        // Stored updates Yjs cannot merge (forged histories) still go out, one by one, so this room's
        // peers stay in step and the other rooms of the batch are not skipped.
        merged = updates
      }
      for (const update of merged) relay.publish(room, { kind: 'update', update })
    }
  }
}
