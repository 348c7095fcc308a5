/**
 * A stand-in for a host app's backend: serves index.html and mints Tandem connection tokens at
 * `GET /token?room=&name=&user=`. Run the Tandem server, then `node examples/embed/host.mjs` and open
 * http://localhost:8080. A real backend would check its own session before minting, and pick the
 * role from its own permissions.
 *
 * Environment: PORT (8080), TANDEM_URL (http://localhost:1234), TOKEN_TTL (1h), TANDEM_SECRET (else the
 * secret the Tandem server keeps in DATA_DIR/tandem-secret, DATA_DIR defaulting to ./data).
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import path from 'node:path'
import { SignJWT } from 'jose'

const PORT = Number(process.env.PORT ?? 8080)
const TANDEM_URL = process.env.TANDEM_URL ?? 'http://localhost:1234'
/** Short lifetimes (e.g. TOKEN_TTL=20s) show the editor fetching fresh tokens on close 4401. */
const TOKEN_TTL = process.env.TOKEN_TTL ?? '1h'
const secret =
  process.env.TANDEM_SECRET ??
  (await readFile(path.join(process.env.DATA_DIR ?? 'data', 'tandem-secret'), 'utf8')).trim()

/** HS256 over the raw UTF-8 bytes of the secret, with the claims docs/auth.md lists. */
function mintToken({ sub, name, room, role }) {
  return new SignJWT({ room, role, name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(TOKEN_TTL)
    .sign(new TextEncoder().encode(secret))
}

const page = await readFile(new URL('./index.html', import.meta.url), 'utf8')

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://localhost:${PORT}`)
  if (url.pathname === '/token') {
    const room = url.searchParams.get('room') ?? 'embed-demo'
    const name = url.searchParams.get('name') ?? 'Guest'
    const role = url.searchParams.get('role') === 'viewer' ? 'viewer' : 'editor'
    const sub = url.searchParams.get('user') ?? randomUUID()
    const token = await mintToken({ sub, name, room, role })
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify({ token, serverUrl: TANDEM_URL }))
    return
  }
  if (url.pathname === '/' || url.pathname === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(page)
    return
  }
  res.writeHead(404).end('not found')
}).listen(PORT, () =>
  process.stdout.write(`embed example on http://localhost:${PORT} (Tandem at ${TANDEM_URL})\n`),
)
