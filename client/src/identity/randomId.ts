/**
 * Random ids without secure-context APIs: `crypto.randomUUID` exists only on HTTPS and localhost, and
 * its absence blanked the app on plain-HTTP LAN addresses. `crypto.getRandomValues` works everywhere.
 */

/** A random RFC 9562 version 4 UUID string, from `getRandomValues` (any context). */
export function createRandomId(
  getRandomValues: (bytes: Uint8Array) => Uint8Array = defaultRandomValues,
): string {
  const bytes = getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function defaultRandomValues(bytes: Uint8Array): Uint8Array {
  return globalThis.crypto.getRandomValues(bytes)
}
