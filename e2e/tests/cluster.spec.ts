/**
 * Scenario: the self-hosting topology (nginx, two nodes, Redis; `npm run cluster`). Two people land
 * on different nodes and co-edit; one node stops and its person moves to the other with every edit.
 */
import type { Page } from '@playwright/test'
import type { Cluster } from '../../deploy/startCluster'
import { connectionCounts, expect, test } from '../support/cluster'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  expectSynced,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'

/** Reloads of Ben's page allowed while looking for the node Ann is not on. */
const MAX_PLACEMENT_ATTEMPTS = 8
/** A reconnect waits up to about a second (reconnectPolicy.ts), plus nginx trying the stopped node. */
const MOVE_TIMEOUT_MS = 20_000

/** Polls until the nodes hold `expected` WebSockets in total, and returns the per-node counts. */
async function settledCounts(cluster: Cluster, expected: number): Promise<number[]> {
  let counts: number[] = []
  await expect
    .poll(async () => {
      counts = await connectionCounts(cluster)
      return counts.reduce((sum, count) => sum + count, 0)
    })
    .toBe(expected)
  return counts
}

/**
 * Types `text` as a new paragraph after the paragraph holding `after`. Each person writes after their
 * own last line: "the last block" moves while the other person types.
 */
async function typeAfter(page: Page, after: string, text: string): Promise<void> {
  await placeCaretAtEnd(editorContent(page).locator('p', { hasText: after }))
  await page.keyboard.press('Enter')
  await page.keyboard.type(text)
}

test('two users on different nodes co-edit through nginx; a node stopping moves its user over with no lost edits', async ({
  cluster,
  newUser,
}) => {
  const doc = await createDocument(cluster.url, 'Cluster')
  expect(doc.editUrl.startsWith(cluster.url)).toBe(true)

  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const annNode = (await settledCounts(cluster, 1)).indexOf(1)
  expect(annNode).toBeGreaterThanOrEqual(0)

  // nginx balances requests, not people: a page load is several requests, so where Ben's socket lands
  // depends on how many came before it. Reload until it lands on the other node, adding one extra
  // request every other attempt: whatever a page load's request count, one of two attempts moves it.
  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  let counts = await settledCounts(cluster, 2)
  for (let attempt = 1; counts[annNode] !== 1 && attempt < MAX_PLACEMENT_ATTEMPTS; attempt++) {
    if (attempt % 2 === 0) await fetch(`${cluster.url}/healthz`)
    await ben.reload()
    await expectSynced(ben)
    counts = await settledCounts(cluster, 2)
  }
  expect(counts).toEqual(cluster.nodes.map(() => 1))
  const benNode = 1 - annNode

  // Co-editing across nodes: every keystroke goes node -> Redis -> other node.
  const lines = {
    ann: [
      `Ann writes on ${cluster.nodes[annNode]!.id}.`,
      'Ann types while her node stops.',
      'Ann types after the move.',
    ],
    ben: [
      `Ben writes on ${cluster.nodes[benNode]!.id}.`,
      'Ben types meanwhile.',
      'Ben types after the move.',
    ],
  }
  await editorContent(ann).click()
  await ann.keyboard.type(lines.ann[0]!)
  await expect(editorContent(ben)).toContainText(lines.ann[0]!)
  await typeAfter(ben, lines.ann[0]!, lines.ben[0]!)
  await expect(editorContent(ann)).toContainText(lines.ben[0]!)
  await expectAllSaved(ann)
  await expectAllSaved(ben)

  // Ann's node shuts down gracefully while both keep typing; her edits wait in her tab until it
  // reconnects, through nginx, to the node that is left.
  const stopped = cluster.stopNode(annNode)
  await typeAfter(ann, lines.ann[0]!, lines.ann[1]!)
  await typeAfter(ben, lines.ben[0]!, lines.ben[1]!)
  expect(await stopped).toBe(0)
  await expect
    .poll(() => connectionCounts(cluster), { timeout: MOVE_TIMEOUT_MS })
    .toEqual(cluster.nodes.map((_, i) => (i === benNode ? 2 : 0)))
  await expectSynced(ann, MOVE_TIMEOUT_MS)

  await typeAfter(ann, lines.ann[1]!, lines.ann[2]!)
  await typeAfter(ben, lines.ben[1]!, lines.ben[2]!)
  await expectAllSaved(ann, MOVE_TIMEOUT_MS)
  await expectAllSaved(ben, MOVE_TIMEOUT_MS)

  const html = await expectSameDocument(ann, ben, MOVE_TIMEOUT_MS)
  for (const line of [...lines.ann, ...lines.ben]) expect(html).toContain(line)
})
