/** docs/self-hosting.md keeps up with the server: every setting and every Tandem metric is documented. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPTIONS } from '../server/src/config'

const doc = readFileSync(new URL('../docs/self-hosting.md', import.meta.url), 'utf8')
const metricsSource = ['../server/src/metrics.ts', '../server/src/webhooks/webhookMetrics.ts']
  .map((file) => readFileSync(new URL(file, import.meta.url), 'utf8'))
  .join('\n')

describe('docs/self-hosting.md', () => {
  it('has a settings table row for every server option', () => {
    const missing = OPTIONS.map((option) => option.env).filter((env) => !doc.includes(`| \`${env}\` |`))
    expect(missing).toEqual([])
  })

  it('describes every tandem_* metric', () => {
    const names = [...metricsSource.matchAll(/name: '(tandem_\w+)'/g)].map((match) => match[1]!)
    expect(names.length).toBeGreaterThan(0)
    expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([])
  })

  it('names the backup command as the CLI implements it', () => {
    const usage = readFileSync(new URL('../server/src/cli/backup.ts', import.meta.url), 'utf8')
    expect(usage).toContain('npm run backup -- <file>')
    expect(doc).toContain('npm run backup -- ')
    expect(doc).toContain('node server/dist/cli/backup.js /data/')
  })
})
