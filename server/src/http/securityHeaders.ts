/**
 * Security headers for every HTTP response, by what the path serves: the app, the embeddable
 * editor page, the script-tag SDK (loaded by other sites), or machine endpoints (API, health).
 */
import type { ServerResponse } from 'node:http'

/**
 * The app's policy. Scripts and styles only from this origin: the Vite build has no inline script or
 * style element, and Lexical, React and the collaboration carets style elements through the CSSOM
 * (`element.style`, constructed style sheets), which CSP does not block, so no 'unsafe-inline' is
 * needed (checked in real Chromium by e2e/tests/securityHeaders.spec.ts). No plugins, no `<base>`
 * rewriting, forms only here. `connect-src 'self'` covers the same-origin `ws:`/`wss:` socket
 * (CSP Level 3). `frame-ancestors` is appended per path.
 */
const APP_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
]

/** JSON, health and metrics answers are never documents: they may load nothing and be framed nowhere. */
const ENDPOINT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

const ENDPOINT_PATHS = ['/api', '/healthz', '/readyz', '/metrics']
// Uploaded images too: opened as a page, an image may load and run nothing (and SVG is never stored).
const ENDPOINT_PREFIXES = ['/api/', '/ws/', '/uploads/']
export const EMBED_PATH_PREFIX = '/embed/'
export const SDK_PATH_PREFIX = '/sdk/'

/** Sets the headers for `path` on `res` before anything writes its head (sirv and sendJson merge them). */
export function setSecurityHeaders(res: ServerResponse, path: string, embedOrigins: readonly string[]): void {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  // Tokens ride in /embed and /ws query strings, keys in fragments: no URL of ours goes anywhere else.
  res.setHeader('Referrer-Policy', 'no-referrer')
  if (path.startsWith(SDK_PATH_PREFIX)) {
    // Loaded by <script> tags on other sites (also with `crossorigin`): readable cross-origin on purpose.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
    res.setHeader('Access-Control-Allow-Origin', '*')
    return
  }
  if (ENDPOINT_PATHS.includes(path) || ENDPOINT_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    res.setHeader('Content-Security-Policy', ENDPOINT_POLICY)
    return
  }
  if (path.startsWith(EMBED_PATH_PREFIX)) {
    res.setHeader(
      'Content-Security-Policy',
      [...APP_POLICY, `frame-ancestors ${embedOrigins.join(' ')}`].join('; '),
    )
    return
  }
  res.setHeader('Content-Security-Policy', [...APP_POLICY, "frame-ancestors 'none'"].join('; '))
  // Older browsers ignore frame-ancestors; this says the same to them.
  res.setHeader('X-Frame-Options', 'DENY')
  // A page this app opens (or that opens it) gets no handle on its window.
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
}
