/** Tokens live at most MAX_TOKEN_TTL: refused on the upgrade and the API past it, and minted within it. */
import type { CreateDocumentResponse, TokenResponse } from '@tandem/shared'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { rawUpgrade } from './helpers/clients'
import { startNode } from './helpers/startServer'

const SECRET = 'lifetime-test-secret-0123456789abcdef'
const now = () => Math.floor(Date.now() / 1000)

function sign(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET))
}

describe('token lifetime', () => {
  it('refuses tokens that never expire (year 5000, 1e308) on the upgrade and the API', async () => {
    const node = await startNode({ storage: 'memory', secret: SECRET })
    const base = { sub: 'mallory', room: '*', role: 'editor' }
    const forever = [
      await sign({ ...base, exp: Math.floor(Date.UTC(5000, 0, 1) / 1000) }),
      await sign({ ...base, exp: 1e308 }),
      await sign({ ...base, iat: now(), exp: now() + 31 * 86_400 }),
      await sign({ ...base, iat: now() + 86_400, exp: now() + 2 * 86_400 }),
    ]
    for (const token of forever) {
      const upgrade = await rawUpgrade(node.port, `/ws/room-1?token=${token}`)
      expect(upgrade.status).toBe(401)
      // Public creation is on, so the key-management route is the one that checks a bearer here.
      const keys = await fetch(`${node.httpUrl}/api/documents/room-1/keys`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'viewer' }),
      })
      expect(keys.status).toBe(401)
      expect(((await keys.json()) as { error: { message: string } }).error.message).toMatch(
        /lifetime exceeds the maximum|not yet valid/,
      )
    }
    expect(node.server.rooms.size).toBe(0)
    const fine = await sign({ ...base, iat: now(), exp: now() + 29 * 86_400 })
    expect((await rawUpgrade(node.port, `/ws/room-1?token=${fine}`)).status).toBe(101)
  })

  it('follows MAX_TOKEN_TTL, and exchanges share keys for tokens within it', async () => {
    const node = await startNode({ storage: 'memory', secret: SECRET, maxTokenTtlSeconds: 600 })
    const hour = await sign({ sub: 'u', room: 'room-1', role: 'viewer', iat: now(), exp: now() + 3600 })
    expect((await rawUpgrade(node.port, `/ws/room-1?token=${hour}`)).status).toBe(401)

    const created = (await (
      await fetch(`${node.httpUrl}/api/documents`, { method: 'POST' })
    ).json()) as CreateDocumentResponse
    const shareKey = new URL(created.viewLink.url, node.httpUrl).hash.replace('#key=', '')
    const response = await fetch(`${node.httpUrl}/api/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ documentId: created.id, shareKey, name: 'Ann' }),
    })
    const exchanged = (await response.json()) as TokenResponse
    expect(exchanged.expiresAt - now()).toBeLessThanOrEqual(600)
    expect((await rawUpgrade(node.port, `/ws/${created.id}?token=${exchanged.token}`)).status).toBe(101)
  })
})
