/**
 * Registers the offline app shell (client/public/sw.js) so a reload without a network still loads the
 * app and its documents' local copies. Service workers exist only in secure contexts (HTTPS,
 * localhost): on plain HTTP the app works as before, and a reload needs the network.
 */
const WORKER_URL = '/sw.js'

export function registerOfflineShell(): void {
  if (!('serviceWorker' in navigator) || window.location.pathname.startsWith('/embed/')) return
  navigator.serviceWorker.register(WORKER_URL).catch((error: unknown) => {
    // Without the shell the app still works online; only an offline reload fails.
    console.warn('Tandem could not register its offline shell', error)
  })
}
