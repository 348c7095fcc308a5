/**
 * This browser's own random secret, sent with every share-key exchange: the server derives the
 * token's guest id from it (docs/auth.md), so the person keeps their comments across token refreshes
 * and reloads. Never shown to others (the guest id reveals nothing of it).
 */
const DEVICE_SECRET_KEY = 'tandem.deviceSecret'

/** The stored secret, created on first use (32 URL-safe characters, 192 bits). */
export function loadDeviceSecret(storage: Storage): string {
  try {
    const stored = storage.getItem(DEVICE_SECRET_KEY)
    if (stored !== null && /^[A-Za-z0-9_-]{32}$/.test(stored)) return stored
  } catch {
    // Storage refused: a fresh secret for this page (comments stay editable until the page closes).
  }
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24))
  const secret = btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
  try {
    storage.setItem(DEVICE_SECRET_KEY, secret)
  } catch {
    // Not remembered; see above.
  }
  return secret
}
