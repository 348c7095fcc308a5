// @vitest-environment node
/**
 * Replace all is one undo step of the person's own: it neither merges with the typing around it nor
 * takes a collaborator's concurrent text with it. Headless Lexical bound as the app binds it.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createParagraphNode, $createTextNode, $getRoot } = await import('lexical')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
const { replaceAllMatches } = await import('./replaceInDocument')
const { createFindPattern } = await import('./findMatches')
type Peer = import('../testing/headlessCollab').HeadlessPeer

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

const paragraphs = (peer: Peer) =>
  peer.editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((block) => block.getTextContent()),
  )

const pattern = (query: string, options = {}) => {
  const found = createFindPattern(query, options)
  if (found === null) throw new Error('empty query')
  return found
}

it('replace all is one undo step that keeps the typing around it and what others typed meanwhile', async () => {
  net = new HeadlessNetwork()
  const [ann, ben] = [net.join('Ann'), net.join('Ben')]
  // As in the browser (Yjs's default): edits within 500 ms of each other form one undo step.
  ann.undoManager.captureTimeout = 500
  ann.edit(() => {
    $getRoot()
      .clear()
      .append(
        $createParagraphNode().append(
          $createTextNode('The cat sat. A '),
          $createTextNode('cat').toggleFormat('bold'),
        ),
        $createParagraphNode().append($createTextNode('Concatenate cats')),
      )
  })
  await net.settle()
  ann.undoManager.stopCapturing()

  // Ann types and at once replaces: within the capture timeout, yet a separate step.
  ann.edit(() => $getRoot().getFirstChildOrThrow().selectEnd().insertText('!'))
  // Ben types at the same time, before either sees the other's change.
  ben.edit(() => $getRoot().getLastChildOrThrow().selectEnd().insertText(' by Ben'))
  expect(replaceAllMatches(ann.editor, pattern('cat', { wholeWord: true }), 'dog', ann.undoManager)).toBe(2)
  // And types again right after: also its own step.
  ann.edit(() => $getRoot().getLastChildOrThrow().selectStart().insertText('Note: '))
  await net.settle()
  expect(paragraphs(ann)).toEqual(['The dog sat. A dog!', 'Note: Concatenate cats by Ben'])
  expect(paragraphs(ben)).toEqual(paragraphs(ann))
  // The bold word kept its format.
  expect(ann.content()).toEqual(ben.content())
  expect(JSON.stringify(ann.content())).toMatch(/"format":1,[^}]*"text":"dog"/)

  ann.undoManager.undo()
  await net.settle()
  expect(paragraphs(ann)).toEqual(['The dog sat. A dog!', 'Concatenate cats by Ben'])
  ann.undoManager.undo()
  await net.settle()
  expect(paragraphs(ann)).toEqual(['The cat sat. A cat!', 'Concatenate cats by Ben'])
  expect(paragraphs(ben)).toEqual(paragraphs(ann))
  ann.undoManager.undo()
  await net.settle()
  expect(paragraphs(ben)).toEqual(['The cat sat. A cat', 'Concatenate cats by Ben'])
})

it('replaces a match that crosses formatting, and case-insensitive matches with the given text', async () => {
  net = new HeadlessNetwork()
  const [ann, ben] = [net.join('Ann'), net.join('Ben')]
  ann.edit(() => {
    $getRoot()
      .clear()
      .append(
        $createParagraphNode().append(
          $createTextNode('say hel'),
          $createTextNode('lo').toggleFormat('italic'),
          $createTextNode(', HELLO'),
        ),
      )
  })
  await net.settle()
  expect(replaceAllMatches(ann.editor, pattern('hello'), 'bye', ann.undoManager)).toBe(2)
  await net.settle()
  expect(paragraphs(ben)).toEqual(['say bye, bye'])
  expect(ann.content()).toEqual(ben.content())
})
