/**
 * Transaction origins of a room's Y.Doc and awareness, typed: every change says where it came from,
 * so the room decides what to send where by kind, not by `instanceof` or identity of symbols.
 */
import type { Peer } from './Peer'

export type UpdateOrigin =
  /** A peer's update, applied once durable. */
  | { readonly kind: 'peer'; readonly peer: Peer }
  /** Applied from another node through the relay: already durable there, so it is not stored again. */
  | { readonly kind: 'relay' }
  /** Applied while loading stored state. */
  | { readonly kind: 'store' }

export const RELAY_ORIGIN: UpdateOrigin = { kind: 'relay' }
export const STORE_ORIGIN: UpdateOrigin = { kind: 'store' }

export function peerOrigin(peer: Peer): UpdateOrigin {
  return { kind: 'peer', peer }
}
