/**
 * The server SDK's content methods against a real node. The content routes (`GET/PUT/POST
 * /api/documents/:id/content`, create with `content`) come from the export/import branch (issue 21,
 * part A): this file passes once both branches are merged, and fails on this branch alone.
 */
import { describe, expect, it } from 'vitest'
import { TandemClient } from '../../sdk/server/src/index'
import { startNode } from './helpers/startServer'

const SECRET = 'server-sdk-content-secret-0123456789ab'

describe('server SDK content', () => {
  it('creates a document with content, reads it, replaces and appends to it', async () => {
    const node = await startNode({ secret: SECRET })
    const tandem = new TandemClient({ baseUrl: node.httpUrl, secret: SECRET })
    const created = await tandem.createDocument({
      title: 'Report',
      content: '# Weekly\n\nAll good.',
      format: 'markdown',
    })
    expect(await tandem.getContent(created.id, 'markdown')).toContain('# Weekly')
    expect(await tandem.getContent(created.id, 'text')).toContain('All good.')
    expect(await tandem.getContent(created.id, 'html')).toContain('<h1')

    await tandem.replaceContent(created.id, '## Replaced', 'markdown')
    const replaced = await tandem.getContent(created.id, 'markdown')
    expect(replaced).toContain('## Replaced')
    expect(replaced).not.toContain('Weekly')

    await tandem.appendContent(created.id, '<p>Appended <b>here</b></p>', 'html')
    const appended = await tandem.getContent(created.id, 'markdown')
    expect(appended.indexOf('## Replaced')).toBeLessThan(appended.indexOf('Appended'))

    // A view key reads but may not write.
    const viewKey = decodeURIComponent(new URL(created.viewLink.url, node.httpUrl).hash.slice(5))
    expect(await tandem.getContent(created.id, 'text', { shareKey: viewKey })).toContain('Appended')
    await expect(
      tandem.replaceContent(created.id, 'x', 'markdown', { shareKey: viewKey }),
    ).rejects.toMatchObject({
      status: 403,
    })
  }, 30_000)
})
