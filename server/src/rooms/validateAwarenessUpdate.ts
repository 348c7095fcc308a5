/**
 * Checks a client's awareness update before it is applied. y-protocols applies entries one by one
 * and throws at the first bad one, leaving the earlier ones applied but never announced; reading
 * the whole update first keeps a bad message from changing anything.
 */
import * as decoding from 'lib0/decoding'

/**
 * Why `update` must be refused, or undefined when it is acceptable: it must be a varUint count of
 * entries, each a varUint client id, a varUint clock and a JSON string whose value is an object
 * (a presence) or null (a removal), with safe-integer numbers and no bytes after the last entry.
 */
export function validateAwarenessUpdate(update: Uint8Array): string | undefined {
  const decoder = decoding.createDecoder(update)
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(clock)) return 'number out of range'
      const state: unknown = JSON.parse(decoding.readVarString(decoder))
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        return 'awareness state is not an object or null'
      }
    }
  } catch (error) {
    return `unreadable awareness update: ${(error as Error).message}`
  }
  if (decoding.hasContent(decoder)) return 'trailing bytes after awareness entries'
  return undefined
}
