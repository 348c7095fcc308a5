/**
 * Tandem's offline app shell: lets the web app load without a network, so a document opens from the
 * copy the browser keeps of it (client/src/collab/LocalCopy.ts). Pages: network first, the cached
 * shell when offline. Hashed assets: cache first. Nothing else (API, WebSocket, /embed/*, /sdk/*) is
 * touched. Registered by client/src/app/registerOfflineShell.ts.
 */
const CACHE = 'tandem-shell-v1'
const SHELL_URL = '/'
const ASSET_PREFIX = '/assets/'
/** Written by the app build (vite.config.ts `build.manifest`): every chunk, lazy ones included. */
const MANIFEST_URL = '/asset-manifest.json'

/** The app's files from the build manifest (`file`, `css` and `assets` of every entry). */
async function appFiles() {
  const response = await fetch(MANIFEST_URL, { cache: 'no-cache' })
  if (!response.ok) return []
  const manifest = await response.json()
  const files = new Set()
  for (const chunk of Object.values(manifest)) {
    for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) {
      if (typeof file === 'string') files.add(`/${file}`)
    }
  }
  return [...files].filter((file) => file.startsWith(ASSET_PREFIX))
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => cache.addAll([SHELL_URL, ...(await appFiles())]))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.mode === 'navigate') {
    // Embeds carry other headers (frame-ancestors) and keep no local copy by default: not ours.
    if (url.pathname.startsWith('/embed/')) return
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone()
            void caches.open(CACHE).then((cache) => cache.put(SHELL_URL, copy))
          }
          return response
        })
        .catch(() => caches.match(SHELL_URL).then((cached) => cached ?? Response.error())),
    )
    return
  }
  if (url.pathname.startsWith(ASSET_PREFIX)) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone()
              void caches.open(CACHE).then((cache) => cache.put(request, copy))
            }
            return response
          }),
      ),
    )
  }
})
