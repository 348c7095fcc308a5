/** Scenario 5: two nodes relayed through a real Redis; A is on node 1, B on node 2. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { startRedisServer } from '../../server/test/helpers/redisServer'
import { createDocument, type TestDocument } from '../support/documents'
import { editorContent, expectSameDocument, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, type NewUser, test } from '../support/fixtures'
import type { TandemServer } from '../support/tandemServer'

interface TwoNodes {
  node1: TandemServer
  node2: TandemServer
  /** The same link, opened on node 2. */
  onNode2(url: string): string
}

/** Redis plus two nodes sharing one data directory and secret, so a share link works on either. */
const nodesTest = test.extend<{ nodes: TwoNodes }>({
  nodes: async ({ startServer }, use) => {
    const redis = await startRedisServer()
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-e2e-nodes-'))
    try {
      const env = { REDIS_URL: redis.url }
      const node1 = await startServer({ dataDir, env: { ...env, NODE_ID: 'node-1' } })
      const node2 = await startServer({ dataDir, env: { ...env, NODE_ID: 'node-2' } })
      await use({ node1, node2, onNode2: (url) => url.replace(node1.baseUrl, node2.baseUrl) })
    } finally {
      // The nodes stop after this fixture (startServer's teardown); Redis going first only makes them log.
      await redis.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
})

const otherPerson = (page: Page) => page.locator('[data-testid=presence-entry][data-self=false]')

async function openOnBothNodes(nodes: TwoNodes, newUser: NewUser): Promise<[Page, Page, TestDocument]> {
  const doc = await createDocument(nodes.node1.baseUrl, 'Two nodes')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, nodes.onNode2(doc.editUrl))
  expect(new URL(ben.url()).port).toBe(String(nodes.node2.port))
  return [ann, ben, doc]
}

nodesTest(
  'A on node 1 and B on node 2 co-edit through Redis and see each other',
  async ({ nodes, newUser }) => {
    const [ann, ben] = await openOnBothNodes(nodes, newUser)
    // Ben joined after Ann: his arrival is relayed to node 1.
    await expect(otherPerson(ann)).toHaveAttribute('data-name', 'Ben')

    await editorContent(ann).click()
    await ann.keyboard.type('Written on node one')
    await expect(editorContent(ben)).toHaveText('Written on node one')
    await expect(otherPerson(ben)).toHaveAttribute('data-name', 'Ann')
    await expect(ben.getByTestId('remote-caret-label')).toHaveText('Ann')

    await placeCaretAtEnd(editorContent(ben).locator('p'))
    await ben.keyboard.press('Enter')
    await ben.keyboard.type('and answered on node two')
    await expect(editorContent(ann).locator('p')).toHaveText([
      'Written on node one',
      'and answered on node two',
    ])
    await expect(ann.getByTestId('remote-caret-label')).toHaveText('Ben')
    await expectSameDocument(ann, ben)

    // Leaving is relayed too, even straight from the editor.
    await ben.close()
    await expect(ann.getByTestId('presence-entry')).toHaveCount(1)
  },
)

// Regression: a room that loads on node 2 must get the presence of people already idle on node 1
// with the document state, not at their next awareness renewal (up to 15 s later).
nodesTest(
  'B joining on node 2 sees A, already idle on node 1, within seconds',
  async ({ nodes, newUser }) => {
    const [, ben] = await openOnBothNodes(nodes, newUser)
    await expect(otherPerson(ben)).toHaveAttribute('data-name', 'Ann', { timeout: 5_000 })
  },
)
