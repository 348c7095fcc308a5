// @vitest-environment node
/**
 * Image nodes through the collaboration binding, headless: what one person sets (upload hash, alt
 * text, caption, width, a placeholder filled) reaches the other, and values a peer writes straight
 * into the Yjs document are checked again before anything renders them.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createParagraphNode, $getRoot } = await import('lexical')
const { $createImageNode, $isImageNode, MAX_IMAGE_TEXT_LENGTH, MAX_IMAGE_WIDTH } = await import(
  '@tandem/shared/ImageNode'
)
const Y = await import('yjs')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
type Peer = import('../testing/headlessCollab').HeadlessPeer

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

const HASH = 'ab'.repeat(32)

function imageFields(peer: Peer) {
  return peer.editor.getEditorState().read(() => {
    const image = $getRoot().getChildren().find($isImageNode)
    return image ? image.getFields() : null
  })
}

it('a placeholder one person fills, and the alt text, caption and width they set, reach the other', async () => {
  net = new HeadlessNetwork()
  const ann = net.join('ann')
  const ben = net.join('ben')
  ann.edit(() => {
    $getRoot().append(
      $createParagraphNode(),
      $createImageNode({ sourceUrl: 'https://example.com/a.png', altText: 'Logo' }),
    )
  })
  await net.settle()
  expect(imageFields(ben)).toEqual({
    hash: null,
    sourceUrl: 'https://example.com/a.png',
    altText: 'Logo',
    caption: '',
    width: null,
  })
  ben.edit(() => {
    const image = $getRoot().getChildren().find($isImageNode)!
    image.setFields({ hash: HASH, sourceUrl: null, caption: 'Our logo', width: 320 })
  })
  await net.settle()
  expect(imageFields(ann)).toEqual({
    hash: HASH,
    sourceUrl: null,
    altText: 'Logo',
    caption: 'Our logo',
    width: 320,
  })
  expect(ann.content()).toEqual(ben.content())
})

it('values a peer writes straight into the Yjs document are checked before they are used', async () => {
  net = new HeadlessNetwork()
  const ann = net.join('ann')
  const ben = net.join('ben')
  ann.edit(() => {
    $getRoot().append($createImageNode({ hash: HASH, altText: 'Chart' }))
  })
  await net.settle()
  // A hostile client skips the editor and sets the attributes itself.
  const element = ben.binding.root
    .toArray()
    .find((child) => child instanceof Y.XmlElement && child.nodeName === 'image')
  if (!(element instanceof Y.XmlElement)) throw new Error('no image element')
  ben.doc.transact(() => {
    element.setAttribute('__sourceUrl', 'javascript:alert(1)')
    element.setAttribute('__hash', '../../etc/passwd')
    element.setAttribute('__width', 1e9 as unknown as string)
    element.setAttribute('__caption', 'x'.repeat(5000))
  })
  await net.settle()
  const fields = imageFields(ann)!
  expect(fields.sourceUrl).toBeNull()
  expect(fields.hash).toBeNull()
  expect(fields.width).toBe(MAX_IMAGE_WIDTH)
  expect(fields.caption).toHaveLength(MAX_IMAGE_TEXT_LENGTH)
})
