// @vitest-environment node
/**
 * Anchors through the real V2 binding (headless Lexical bound to Y.Docs as in the app): a selection
 * becomes relative positions in the Yjs tree and back, text typed inside the range by someone else
 * extends it, text typed around it does not, and deleting the range collapses it (detached).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  $isTextNode,
  $getNodeByKey,
} = await import('lexical')
const Y = await import('yjs')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
const { $lexicalPositionOf, $relativePositionOf } = await import('./anchorPositions')
type Peer = import('../testing/headlessCollab').HeadlessPeer
type Anchor = { start: import('yjs').RelativePosition; end: import('yjs').RelativePosition }

let net: InstanceType<typeof HeadlessNetwork>

function secondBlock(): import('lexical').ElementNode {
  const block = $getRoot().getChildAtIndex(1)
  if (!$isElementNode(block)) throw new Error('expected a second block')
  return block
}
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

/** Anchors the text from `from` to `to` (offsets in the block's text content) of `peer`'s second block. */
function anchorIn(peer: Peer, from: number, to: number): Anchor {
  let anchor: Anchor | null = null
  peer.edit(() => {
    const block = secondBlock()
    const texts = block.getAllTextNodes()
    const point = (offset: number) => {
      for (const text of texts) {
        if (offset <= text.getTextContentSize()) return { key: text.getKey(), offset }
        offset -= text.getTextContentSize()
      }
      throw new Error('offset past the text')
    }
    const a = point(from)
    const b = point(to)
    const node = $getNodeByKey(a.key)
    if (!$isTextNode(node)) throw new Error('not text')
    const selection = node.select(a.offset, a.offset)
    selection.focus.set(b.key, b.offset, 'text')
    const current = $getSelection()
    if (!$isRangeSelection(current)) throw new Error('no selection')
    const start = $relativePositionOf(current.anchor, peer.binding.root)
    const end = $relativePositionOf(current.focus, peer.binding.root, -1)
    if (start && end) anchor = { start, end }
  })
  if (anchor === null) throw new Error('no anchor')
  return anchor
}

/** The anchored text as `peer` sees it now, or null when the range is gone. */
function anchoredText(peer: Peer, anchor: Anchor): string | null {
  return peer.editor.getEditorState().read(() => {
    const start = Y.createAbsolutePositionFromRelativePosition(anchor.start, peer.doc)
    const end = Y.createAbsolutePositionFromRelativePosition(anchor.end, peer.doc)
    if (!start || !end || (start.type === end.type && start.index >= end.index)) return null
    const a = $lexicalPositionOf(start, peer.binding.root)
    const b = $lexicalPositionOf(end, peer.binding.root)
    if (a?.kind !== 'text' || b?.kind !== 'text') return null
    const block = secondBlock()
    let text = ''
    let inside = false
    for (const node of block.getAllTextNodes()) {
      const content = node.getTextContent()
      const from = node.getKey() === a.key ? a.offset : 0
      if (node.getKey() === a.key) inside = true
      if (!inside) continue
      const to = node.getKey() === b.key ? b.offset : content.length
      text += content.slice(from, to)
      if (node.getKey() === b.key) break
    }
    return text
  })
}

function setUp(): { a: Peer; b: Peer } {
  net = new HeadlessNetwork()
  const a = net.join('A')
  a.edit(() => {
    $getRoot().append(
      $createParagraphNode().append($createTextNode('First block.')),
      $createParagraphNode().append(
        $createTextNode('The '),
        $createTextNode('quick').toggleFormat('bold'),
        $createTextNode(' brown fox.'),
      ),
    )
  })
  const b = net.join('B')
  return { a, b }
}

describe('comment anchors', () => {
  it('round-trip across formatted runs, and follow edits inside and around them', async () => {
    const { a, b } = setUp()
    await net.settle()
    const anchor = anchorIn(a, 4, 15)
    expect(anchoredText(a, anchor)).toBe('quick brown')

    // B types inside the range (extends it), before it and right after it (neither extends it), each
    // its own update as keystrokes are.
    const typeAt = (child: number, offset: number, text: string) =>
      b.edit(() => {
        const node = secondBlock().getChildAtIndex(child)
        if (!$isTextNode(node)) throw new Error('expected text')
        node.spliceText(offset, 0, text, false)
      })
    typeAt(2, 6, ' fox')
    typeAt(2, 0, ' very')
    typeAt(0, 0, 'Oh, ')
    await net.settle()
    expect(a.text()).toContain('Oh, The quick very brown fox fox.')
    expect(anchoredText(a, anchor)).toBe('quick very brown')
    expect(anchoredText(b, anchor)).toBe('quick very brown')
  })

  it('collapses when its text is deleted entirely, or its block is', async () => {
    const { a, b } = setUp()
    await net.settle()
    const anchor = anchorIn(a, 4, 15)
    const other = anchorIn(a, 0, 3)
    // B selects a little more than the anchored text and deletes it, as Backspace would.
    b.edit(() => {
      const block = secondBlock()
      const [first, , last] = block.getAllTextNodes()
      const selection = first!.select(3, 3)
      selection.focus.set(last!.getKey(), 7, 'text')
      const current = $getSelection()
      if (!$isRangeSelection(current)) throw new Error('no selection')
      current.removeText()
    })
    await net.settle()
    expect(a.text()).toContain('Thefox.')
    expect(anchoredText(a, anchor)).toBeNull()
    expect(anchoredText(a, other)).toBe('The')
    b.edit(() => secondBlock().remove())
    await net.settle()
    expect(anchoredText(a, other)).toBeNull()
  })
})
