// @vitest-environment node
/**
 * Issue 15, item 1 (merge variant): undoing a paragraph merge leaves a collaborator's text where they
 * typed it. Headless Lexical bound as the app binds it; e2e/tests/undo-others.spec.ts repeats the
 * first case in Chromium.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createParagraphNode, $createTextNode, $getRoot, $getSelection, $isRangeSelection, $isTextNode } =
  await import('lexical')
const { HeadlessNetwork, freshContent } = await import('../testing/headlessCollab')
type Peer = import('../testing/headlessCollab').HeadlessPeer
type ElementNode = import('lexical').ElementNode

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

const paragraphTexts = (peer: Peer) =>
  peer.editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((block) => block.getTextContent()),
  )

async function expectEverywhere(expected: string[]): Promise<void> {
  await net.settle()
  for (const peer of net.peers) expect(paragraphTexts(peer), peer.name).toEqual(expected)
  const fresh = await freshContent(net.server)
  for (const peer of net.peers) expect(peer.content(), `${peer.name} against a fresh page`).toEqual(fresh)
}

/** A writes "First" / "Second", merges them with Backspace at the start of "Second". */
async function mergedByA(): Promise<{ a: Peer; b: Peer }> {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  a.edit(() =>
    $getRoot()
      .clear()
      .append(
        $createParagraphNode().append($createTextNode('First')),
        $createParagraphNode().append($createTextNode('Second')),
      ),
  )
  await net.settle()
  a.edit(() => {
    const second = $getRoot().getLastChild<ElementNode>()?.getFirstChild()
    if (!$isTextNode(second)) throw new Error('expected "Second"')
    second.select(0, 0)
  })
  a.edit(() => {
    const selection = $getSelection()
    if (!$isRangeSelection(selection)) throw new Error('expected a caret')
    selection.deleteCharacter(true)
  })
  await expectEverywhere(['FirstSecond'])
  return { a, b }
}

function typeAtEnd(peer: Peer, text: string): void {
  peer.edit(() => $getRoot().getLastChild()?.selectEnd().insertText(text))
}

it("undoing a merge puts the paragraphs back with a collaborator's text after the second, where it was typed", async () => {
  const { a, b } = await mergedByA()
  typeAtEnd(b, ' plus Ben')
  await expectEverywhere(['FirstSecond plus Ben'])

  a.undoManager.undo()
  await expectEverywhere(['First', 'Second plus Ben'])

  // Redo merges again, Ben's text still after "Second"; undo and redo keep alternating cleanly.
  a.undoManager.redo()
  await expectEverywhere(['FirstSecond plus Ben'])
  a.undoManager.undo()
  await expectEverywhere(['First', 'Second plus Ben'])
})

it("a collaborator's text typed inside the merged part goes back inside the second paragraph", async () => {
  const { a, b } = await mergedByA()
  b.edit(() => {
    const text = $getRoot().getFirstChild<ElementNode>()?.getFirstChild()
    if (!$isTextNode(text)) throw new Error('expected the merged text')
    text.select(8, 8).insertText('[B]')
  })
  await expectEverywhere(['FirstSec[B]ond'])

  a.undoManager.undo()
  await expectEverywhere(['First', 'Sec[B]ond'])
})

it("undoing all of A's steps after a merge undo keeps the collaborator's text", async () => {
  const { a, b } = await mergedByA()
  typeAtEnd(b, ' plus Ben')
  await net.settle()
  while (a.undoManager.canUndo()) a.undoManager.undo()
  await net.settle()
  for (const peer of net.peers) expect(paragraphTexts(peer).join('\n')).toContain(' plus Ben')
  while (a.undoManager.canRedo()) a.undoManager.redo()
  await expectEverywhere(['FirstSecond plus Ben'])
})

it("redo deletes again a collaborator's word that this person deleted and then undid the deletion of", async () => {
  net = new HeadlessNetwork()
  const [a, b] = [net.join('A'), net.join('B')]
  b.edit(() =>
    $getRoot()
      .clear()
      .append($createParagraphNode().append($createTextNode('keep this word'))),
  )
  await net.settle()
  a.edit(() => {
    const text = $getRoot().getFirstChild<ElementNode>()?.getFirstChild()
    if (!$isTextNode(text)) throw new Error('expected the text')
    text.select(4, 9).removeText()
  })
  await expectEverywhere(['keep word'])
  a.undoManager.undo()
  await expectEverywhere(['keep this word'])
  a.undoManager.redo()
  await expectEverywhere(['keep word'])
})
