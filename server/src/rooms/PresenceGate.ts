/**
 * Decides which awareness (presence) entries a room takes in, and from whom. A connection owns the
 * client ids it announces (a few at most), may change only those, and loses them when it closes;
 * the name and role it shows come from its token, not from what it claims. The room holds a bounded
 * number of entries, and an entry that would only add bookkeeping (a removal of an unknown id) is
 * not taken in at all.
 */
import { CLOSE_CODES } from '@tandem/shared'
import * as encoding from 'lib0/encoding'
import type { Awareness } from 'y-protocols/awareness'
import type { Metrics } from '../metrics'
import { IdOwners } from './IdOwners'
import { LimitExceededError } from './LimitExceededError'
import type { Peer } from './Peer'
import type { AwarenessEntry } from './validateAwarenessUpdate'

export interface PresenceLimits {
  /** Client ids one connection may announce (MAX_AWARENESS_CLIENTS_PER_CONNECTION). */
  readonly maxClientsPerConnection: number
  /** Entries (present or just removed by a live owner) the room holds (MAX_ROOM_PRESENCE). */
  readonly maxRoomPresence: number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The state others see: the token's name (when it has one) replaces a claimed `name`, and the token's
 * role replaces `awarenessData.role`: the two fields the Tandem client and Lexical's cursors read.
 * States without those fields (other Yjs apps) pass unchanged; without them the Tandem client shows
 * "Guest" (UNNAMED_PERSON_NAME) and no role, so leaving them out poses as no one.
 */
export function stampIdentity(state: Record<string, unknown>, connection: Peer): Record<string, unknown> {
  const { name, role } = connection.identity
  const stamped = { ...state }
  if ('name' in state && name !== undefined) stamped.name = name
  if (isRecord(state.awarenessData)) stamped.awarenessData = { ...state.awarenessData, role }
  return stamped
}

/** Encodes entries as a y-protocols awareness update. States are depth-checked, so stringify is safe. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(encoder)
}

export class PresenceGate {
  private readonly owners = new IdOwners()
  /**
   * Last clocks of ids whose meta entry was dropped (owner gone, or removed by expiry or another
   * node), oldest first, at most MAX_ROOM_PRESENCE: a late echo of such an id's old state must
   * still be recognised as stale rather than claimed as new.
   */
  private readonly forgotten = new Map<number, number>()

  constructor(
    private readonly awareness: Awareness,
    private readonly limits: PresenceLimits,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The part of a connection's update the room applies, re-encoded with the connection's identity,
   * or null when nothing is left. Stock y-websocket clients echo every presence change they receive,
   * so an entry not newer than what the room holds is an echo, ignored unless its sender owns it.
   * Newer entries for ids another subject's connection owns are dropped (counted); the same subject
   * takes an id over (the same browser reconnecting before its old socket was noticed dead). Throws
   * LimitExceededError (4429) when the connection would own too many ids.
   */
  admitFromConnection(connection: Peer, entries: readonly AwarenessEntry[]): Uint8Array | null {
    const admitted: AwarenessEntry[] = []
    const room = { newIds: 0 }
    for (const entry of entries) {
      const { clientId } = entry
      if (clientId === this.awareness.clientID) continue
      const owner = this.owners.owner(clientId)
      if (owner !== connection && this.isStale(entry)) continue
      if (owner !== undefined && owner !== connection) {
        if (owner.identity.userId !== connection.identity.userId) {
          this.metrics.forgedWrites.labels('awareness').inc()
          continue
        }
        this.owners.set(clientId, connection)
      } else if (owner === undefined) {
        if (!this.isWorthKeeping(entry, room)) continue
        if (this.owners.idsOf(connection).size >= this.limits.maxClientsPerConnection) {
          throw new LimitExceededError(
            'awareness-clients',
            CLOSE_CODES.RATE_LIMITED,
            `presence under more than ${this.limits.maxClientsPerConnection} client ids`,
          )
        }
        this.owners.set(clientId, connection)
      }
      admitted.push(
        entry.state === null ? entry : { ...entry, state: stampIdentity(entry.state, connection) },
      )
    }
    return admitted.length > 0 ? encodeAwarenessEntries(admitted) : null
  }

  /**
   * The part of another node's update the room applies, or null. That node checked its own clients;
   * here it may neither change ids a local connection owns nor grow the room past its bound.
   */
  admitFromRelay(entries: readonly AwarenessEntry[]): Uint8Array | null {
    const room = { newIds: 0 }
    const admitted = entries.filter(
      (entry) =>
        entry.clientId !== this.awareness.clientID &&
        this.owners.owner(entry.clientId) === undefined &&
        !this.isStale(entry) &&
        this.isWorthKeeping(entry, room),
    )
    return admitted.length > 0 ? encodeAwarenessEntries(admitted) : null
  }

  /** Whether a local connection owns `clientId`. */
  isOwned(clientId: number): boolean {
    return this.owners.owner(clientId) !== undefined
  }

  /**
   * Drops an id's awareness meta entry, which y-protocols keeps forever once an id was seen, and
   * remembers its clock in a bounded list instead. Call once the id has no state and no owner.
   */
  forget(clientId: number): void {
    const meta = this.awareness.meta.get(clientId)
    if (meta === undefined) return
    this.awareness.meta.delete(clientId)
    this.forgotten.delete(clientId)
    this.forgotten.set(clientId, meta.clock)
    if (this.forgotten.size > this.limits.maxRoomPresence) {
      const oldest = this.forgotten.keys().next()
      if (!oldest.done) this.forgotten.delete(oldest.value)
    }
  }

  /** Gives up every id `connection` owns; returns them so the room removes their states and meta. */
  release(connection: Peer): number[] {
    return this.owners.release(connection)
  }

  /** The ids `connection` owns. */
  idsOf(connection: Peer): ReadonlySet<number> {
    return this.owners.idsOf(connection)
  }

  /**
   * Not newer than what the room holds or last held: y-protocols would ignore it, or it is an echo.
   * A removal at the current clock is not stale: that is how a node announces a closed socket's ids.
   */
  private isStale(entry: AwarenessEntry): boolean {
    const known = this.awareness.meta.get(entry.clientId)?.clock ?? this.forgotten.get(entry.clientId)
    if (known === undefined || entry.clock > known) return false
    return entry.clock < known || entry.state !== null || !this.awareness.states.has(entry.clientId)
  }

  /**
   * A removal of an id the room does not show changes nothing but would leave an entry in the
   * awareness meta map forever (1M such ids kept 110 MB); a new id past the room's bound is dropped.
   * (An id twice in one update counts twice: it can only make the bound stricter.)
   */
  private isWorthKeeping(entry: AwarenessEntry, update: { newIds: number }): boolean {
    if (this.awareness.meta.has(entry.clientId)) return true
    if (entry.state === null) return false
    // Entries of this update are applied after the loop: count the new ids admitted so far.
    if (this.awareness.meta.size + update.newIds >= this.limits.maxRoomPresence) {
      this.metrics.countLimit('room-presence')
      return false
    }
    update.newIds++
    return true
  }
}
