/** Transaction origins for changes that did not come from a local connection. */

/** Applied from another node through the relay: already durable there, so it is not stored again. */
export const RELAY_ORIGIN = Symbol('relay')
/** Applied while loading stored state. */
export const STORE_ORIGIN = Symbol('store')
