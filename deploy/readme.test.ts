/** README.md's configuration table keeps up with the server: every setting has a row. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPTIONS } from '../server/src/config'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README.md', () => {
  it('has a configuration table row for every server option', () => {
    const missing = OPTIONS.map((option) => option.env).filter((env) => !readme.includes(`| \`${env}\` |`))
    expect(missing).toEqual([])
  })
})
