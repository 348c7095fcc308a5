// @vitest-environment node
/**
 * The caret rule (issue 15, item 6): when someone else's text lands exactly at this person's caret,
 * the caret stays after this person's own text, so two people typing at one spot keep their runs
 * whole. Headless Lexical bound as the app binds it (the binding restores the local caret from its
 * awareness state after each remote change); e2e/tests/same-spot-typing.spec.ts does it in Chromium.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createParagraphNode, $createTextNode, $getRoot, $getSelection, $isRangeSelection, $isTextNode } =
  await import('lexical')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
type Peer = import('../testing/headlessCollab').HeadlessPeer

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

const A_TEXT = ' [AAAA aaaa]'
const B_TEXT = ' {BBBB bbbb}'

function typeChar(peer: Peer, char: string): void {
  peer.edit(() => {
    const selection = $getSelection()
    if (!$isRangeSelection(selection)) throw new Error(`${peer.name} has no caret`)
    selection.insertText(char)
  })
}

/** A and B type one character each in turn, each seeing the other's before typing the next. */
async function typeInTurns(a: Peer, b: Peer): Promise<void> {
  for (let i = 0; i < Math.max(A_TEXT.length, B_TEXT.length); i++) {
    for (const [peer, text] of [
      [a, A_TEXT],
      [b, B_TEXT],
    ] as const) {
      const char = text[i]
      if (char === undefined) continue
      typeChar(peer, char)
      await net.settle()
    }
  }
}

async function startWith(text: string, caretAt: number): Promise<[Peer, Peer]> {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  a.edit(() =>
    $getRoot()
      .clear()
      .append($createParagraphNode().append($createTextNode(text))),
  )
  await net.settle()
  for (const peer of [a, b]) {
    peer.edit(() => {
      const node = $getRoot().getFirstDescendant()
      if (!$isTextNode(node)) throw new Error('expected text')
      node.select(caretAt, caretAt)
    })
  }
  await net.settle()
  return [a, b]
}

const together = (before: string, after = '') => [
  before + A_TEXT + B_TEXT + after,
  before + B_TEXT + A_TEXT + after,
]

it('two people typing at the end of one line keep their runs whole', async () => {
  const [a, b] = await startWith('Start', 5)
  await typeInTurns(a, b)
  expect(together('Start')).toContain(a.text())
  expect(b.text()).toBe(a.text())
})

it('two people typing in the middle of one line keep their runs whole', async () => {
  const [a, b] = await startWith('Start end', 5)
  await typeInTurns(a, b)
  expect(together('Start', ' end')).toContain(a.text())
  expect(b.text()).toBe(a.text())
})

it('two people typing at the start of one line keep their runs whole', async () => {
  const [a, b] = await startWith('end', 0)
  await typeInTurns(a, b)
  expect(together('', 'end')).toContain(a.text())
  expect(b.text()).toBe(a.text())
})
