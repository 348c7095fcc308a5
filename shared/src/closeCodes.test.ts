import { describe, expect, it } from 'vitest'
import { CLOSE_CODES, describeCloseCode } from './closeCodes'

describe('CLOSE_CODES', () => {
  it('gives every code once', () => {
    const codes = Object.values(CLOSE_CODES).map((entry) => entry.code)
    expect(new Set(codes).size).toBe(codes.length)
  })

  it('looks up entries by number and knows nothing of codes it does not send', () => {
    expect(describeCloseCode(4401)?.retry).toBe('refresh-token')
    expect(describeCloseCode(1006)).toBeUndefined()
  })
})

describe('docs/protocol.md', () => {
  it('lists every close code with its name and retry policy, and every HTTP status', async () => {
    const { readFileSync } = await import('node:fs')
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')
    for (const [name, entry] of Object.entries(CLOSE_CODES)) {
      expect(doc, name).toMatch(
        new RegExp(`\\|\\s*${entry.code}\\s*\\|\\s*${name}\\s*\\|[^\\n]*\\|\\s*${entry.retry}\\s*\\|`),
      )
    }
    // ...and no code the server does not define (a row outliving its code misleads client authors).
    const rows = [...doc.matchAll(/^\|\s*(\d{4})\s*\|\s*([A-Z_]+)\s*\|/gm)]
    expect(rows.length).toBeGreaterThan(0)
    for (const [, code, name] of rows) {
      expect(CLOSE_CODES[name as keyof typeof CLOSE_CODES]?.code, `${code} ${name}`).toBe(Number(code))
    }
    const { HTTP_STATUS } = await import('./httpStatus')
    for (const status of Object.values(HTTP_STATUS))
      expect(doc).toMatch(new RegExp(`\\n\\|\\s*${status}\\s*\\|`))
  })
})
