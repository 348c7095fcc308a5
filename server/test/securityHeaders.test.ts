/** Security headers on every kind of response of a real server serving a built app directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ConfigError, loadConfig } from '../src/config'
import { startServer } from './helpers/startServer'

function appDirectory(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-static-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(path.join(dir, 'assets'))
  mkdirSync(path.join(dir, 'sdk'))
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tandem</title>')
  writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(path.join(dir, 'sdk', 'tandem-embed.js'), 'window.TandemEmbed = {}')
  return dir
}

async function headersOf(url: string): Promise<Headers> {
  const response = await fetch(url)
  await response.body?.cancel()
  expect(response.status, url).toBeLessThan(500)
  return response.headers
}

describe('security headers', () => {
  it('send a strict CSP, nosniff, no-referrer and COOP on app pages, and let no one frame them', async () => {
    const { httpUrl } = await startServer({ staticDir: appDirectory() })
    for (const page of ['/', '/d/some-document', '/assets/index-abc.js']) {
      const headers = await headersOf(`${httpUrl}${page}`)
      const csp = headers.get('content-security-policy') ?? ''
      expect(csp, page).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("base-uri 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain("'unsafe-eval'")
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
      expect(headers.get('x-content-type-options')).toBe('nosniff')
      expect(headers.get('referrer-policy')).toBe('no-referrer')
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(headers.get('x-frame-options')).toBe('DENY')
    }
  })

  it('let /embed/* be framed by EMBED_ORIGINS (default any), and the SDK be loaded cross-origin', async () => {
    const staticDir = appDirectory()
    const open = await startServer({ staticDir })
    const embed = await headersOf(`${open.httpUrl}/embed/room-1?token=x`)
    expect(embed.get('content-security-policy')).toContain('frame-ancestors *')
    expect(embed.get('content-security-policy')).toContain("script-src 'self'")
    expect(embed.get('x-frame-options')).toBeNull()

    const listed = await startServer({
      staticDir,
      embedOrigins: loadConfig({ EMBED_ORIGINS: 'https://app.example.com, https://*.example.org' })
        .embedOrigins,
    })
    const restricted = await headersOf(`${listed.httpUrl}/embed/room-1`)
    expect(restricted.get('content-security-policy')).toContain(
      'frame-ancestors https://app.example.com https://*.example.org',
    )
    expect((await headersOf(`${listed.httpUrl}/d/x`)).get('content-security-policy')).toContain(
      "frame-ancestors 'none'",
    )

    const sdk = await fetch(`${open.httpUrl}/sdk/tandem-embed.js`, {
      headers: { Origin: 'https://other.example' },
    })
    expect(sdk.status).toBe(200)
    expect(sdk.headers.get('content-type')).toMatch(/javascript/)
    expect(sdk.headers.get('x-content-type-options')).toBe('nosniff')
    expect(sdk.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(sdk.headers.get('access-control-allow-origin')).toBe('*')
    expect(sdk.headers.get('cross-origin-opener-policy')).toBeNull()
    expect(await sdk.text()).toContain('TandemEmbed')
  })

  it('send nosniff, no-referrer and a deny-all CSP on API, health and metrics answers', async () => {
    const { httpUrl } = await startServer({ staticDir: appDirectory() })
    for (const endpoint of ['/healthz', '/readyz', '/metrics', '/api/nothing', '/api']) {
      const headers = await headersOf(`${httpUrl}${endpoint}`)
      expect(headers.get('content-security-policy'), endpoint).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      )
      expect(headers.get('x-content-type-options')).toBe('nosniff')
      expect(headers.get('referrer-policy')).toBe('no-referrer')
    }
  })

  it('refuse EMBED_ORIGINS values that are not origins, which would inject into the header', () => {
    for (const bad of [
      "https://a.com; script-src 'unsafe-inline'",
      'https://a.com/path',
      "'self'",
      'javascript:x',
      '',
    ]) {
      expect(() => loadConfig({ EMBED_ORIGINS: bad }), bad).toThrow(ConfigError)
    }
    expect(loadConfig({}).embedOrigins).toEqual(['*'])
    expect(loadConfig({ EMBED_ORIGINS: 'http://localhost:8080' }).embedOrigins).toEqual([
      'http://localhost:8080',
    ])
  })
})
