/**
 * Which live connection owns which Yjs client id in a room. Yjs trusts every writer to use only its
 * own id; a writer that claims another's next clocks makes that user's later edits be skipped. So a
 * connection may add structs only under ids it owns: the first to write new structs under an id
 * owns it until it closes. History under an id (stored before, or written by a connection that has
 * left) is no claim: ownership is only about live connections.
 */
import { IdOwners } from './IdOwners'
import type { Peer } from './Peer'

/** An update wrote under a client id another live connection owns. Maps to close code 4409. */
export class ClientIdInUseError extends Error {
  override name = 'ClientIdInUseError'

  constructor(readonly clientId: number) {
    super(`client id ${clientId} is in use by another connection`)
  }
}

export class ClientIdOwners {
  private readonly owners = new IdOwners()

  /**
   * Claims `clientIds` for `connection`, all or nothing. An id owned by a connection of the same
   * token subject is taken over: that is the same browser reconnecting (same Y.Doc, same id) while
   * the server has not yet noticed its old socket died, which must not lock it out for a heartbeat
   * or two. Another subject's id throws ClientIdInUseError and claims nothing.
   */
  claim(connection: Peer, clientIds: Iterable<number>): void {
    const taken: number[] = []
    for (const clientId of clientIds) {
      const owner = this.owners.owner(clientId)
      if (owner === connection) continue
      if (owner !== undefined && owner.identity.userId !== connection.identity.userId) {
        throw new ClientIdInUseError(clientId)
      }
      taken.push(clientId)
    }
    for (const clientId of taken) this.owners.set(clientId, connection)
  }

  /** Releases every id `connection` owns (it closed). */
  release(connection: Peer): void {
    this.owners.release(connection)
  }
}
