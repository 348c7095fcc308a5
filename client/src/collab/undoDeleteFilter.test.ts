// @vitest-environment node
/**
 * The undo rule (issue 15, item 1): an undo never deletes what someone else wrote. Headless Lexical
 * bound as the app binds it; e2e/tests/undo-others.spec.ts repeats the first two cases in Chromium.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createParagraphNode, $createTextNode, $getRoot, $isTextNode } = await import('lexical')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
type Peer = import('../testing/headlessCollab').HeadlessPeer

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

const paragraphTexts = (peer: Peer) =>
  peer.editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((block) => block.getTextContent()),
  )

async function undoAll(peer: Peer): Promise<void> {
  while (peer.undoManager.canUndo()) peer.undoManager.undo()
  await net.settle()
}

async function redoAll(peer: Peer): Promise<void> {
  while (peer.undoManager.canRedo()) peer.undoManager.redo()
  await net.settle()
}

it("undoing a paragraph's creation keeps the paragraph when someone else wrote into it", async () => {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  a.edit(() => {
    const blocks = ['Agenda', '', 'Notes'].map((text) => {
      const paragraph = $createParagraphNode()
      return text === '' ? paragraph : paragraph.append($createTextNode(text))
    })
    $getRoot()
      .clear()
      .append(...blocks)
  })
  await net.settle()
  b.edit(() => $getRoot().getChildAtIndex(1)?.selectEnd().insertText('Bob wrote this line.'))
  await net.settle()

  await undoAll(a)
  for (const peer of [a, b]) expect(paragraphTexts(peer)).toEqual(['Bob wrote this line.'])
  await redoAll(a)
  for (const peer of [a, b]) expect(paragraphTexts(peer)).toEqual(['Agenda', 'Bob wrote this line.', 'Notes'])
  expect(a.content()).toEqual(b.content())
})

it('undoing typing keeps the characters someone else typed in the middle of it', async () => {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  a.edit(() =>
    $getRoot()
      .clear()
      .append($createParagraphNode().append($createTextNode('Hello world'))),
  )
  await net.settle()
  b.edit(() => {
    const text = $getRoot().getFirstDescendant()
    if ($isTextNode(text)) text.select(5, 5).insertText(', dear')
  })
  await net.settle()

  await undoAll(a)
  for (const peer of [a, b]) expect(paragraphTexts(peer)).toEqual([', dear'])
  await redoAll(a)
  for (const peer of [a, b]) expect(paragraphTexts(peer)).toEqual(['Hello, dear world'])
})

it('undo still removes everything of its own, with nobody else involved', async () => {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  a.edit(() =>
    $getRoot()
      .clear()
      .append($createParagraphNode().append($createTextNode('Mine'))),
  )
  await net.settle()
  await undoAll(a)
  for (const peer of [a, b]) expect(paragraphTexts(peer)).toEqual([''])
})
