/**
 * The close-code table in shared/ is what clients plan their retries by: every entry must be one
 * this server actually sends. Checked on the source, since some are sent only in rare failures.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it } from 'vitest'

const SOURCE_DIR = fileURLToPath(new URL('../src', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(file)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : []
  })
}

describe('CLOSE_CODES', () => {
  it('holds only codes the server sends', () => {
    const source = sourceFiles(SOURCE_DIR)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    const unused = Object.keys(CLOSE_CODES).filter((name) => !source.includes(`CLOSE_CODES.${name}`))
    expect(unused).toEqual([])
  })
})
