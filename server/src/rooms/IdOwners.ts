/**
 * Which live peer owns which client id in a room, both ways: by id (who may write under it) and by
 * peer (what to release when it leaves). Held by the room, not by each peer, so only peers that own
 * ids cost an entry: readers and idle sockets cost nothing (issue 16, per-connection memory).
 */
import type { Peer } from './Peer'

const NONE: ReadonlySet<number> = new Set()

export class IdOwners {
  private readonly byId = new Map<number, Peer>()
  private readonly byPeer = new Map<Peer, Set<number>>()

  owner(clientId: number): Peer | undefined {
    return this.byId.get(clientId)
  }

  /** The ids `peer` owns. */
  idsOf(peer: Peer): ReadonlySet<number> {
    return this.byPeer.get(peer) ?? NONE
  }

  /** Gives `clientId` to `peer`, taking it from its previous owner if it had one. */
  set(clientId: number, peer: Peer): void {
    const previous = this.byId.get(clientId)
    if (previous === peer) return
    if (previous !== undefined) this.byPeer.get(previous)?.delete(clientId)
    this.byId.set(clientId, peer)
    let ids = this.byPeer.get(peer)
    if (ids === undefined) {
      ids = new Set()
      this.byPeer.set(peer, ids)
    }
    ids.add(clientId)
  }

  /** Forgets every id `peer` owns (it left) and returns them. */
  release(peer: Peer): number[] {
    const ids = this.byPeer.get(peer)
    if (ids === undefined) return []
    this.byPeer.delete(peer)
    for (const clientId of ids) this.byId.delete(clientId)
    return [...ids]
  }
}
