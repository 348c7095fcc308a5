/**
 * Lexical points <-> Yjs relative positions in the V2 binding's tree, which mirrors the Lexical tree:
 * the root is the `root-v2` Y.XmlElement, every non-text node is one Y.XmlElement, and every run of
 * sibling text nodes is one Y.XmlText (see @lexical/yjs SyncV2.ts and SyncCursors.ts, whose
 * createRelativePositionV2 counts the same way). A relative position sticks to the character it was
 * made at, so text typed inside a range extends it and a range whose text is deleted collapses.
 * Call inside `editor.read` / `editor.update`.
 */
import {
  $getNodeByKey,
  $getRoot,
  $isElementNode,
  $isTextNode,
  type ElementNode,
  type LexicalNode,
  type PointType,
  type TextNode,
} from 'lexical'
import * as Y from 'yjs'

type Group =
  | { readonly kind: 'text'; readonly nodes: TextNode[] }
  | { readonly kind: 'node'; readonly node: LexicalNode }

/** An element's children as the binding's Yjs children: runs of text nodes, then one per other node. */
function $groupsOf(element: ElementNode): Group[] {
  const groups: Group[] = []
  for (const child of element.getChildren()) {
    const last = groups.at(-1)
    if ($isTextNode(child)) {
      if (last?.kind === 'text') last.nodes.push(child)
      else groups.push({ kind: 'text', nodes: [child] })
    } else groups.push({ kind: 'node', node: child })
  }
  return groups
}

/** The Yjs type of a Lexical element, walking down from the root by the same child indexes. */
function $yTypeOfElement(element: ElementNode, root: Y.XmlElement): Y.XmlElement | null {
  const path: number[] = []
  let node: LexicalNode = element
  for (let parent = node.getParent(); parent !== null; node = parent, parent = parent.getParent()) {
    const index = $groupsOf(parent).findIndex((group) => group.kind === 'node' && group.node.is(node))
    if (index === -1) return null
    path.unshift(index)
  }
  let type: Y.XmlElement = root
  for (const index of path) {
    const child = type.get(index)
    if (!(child instanceof Y.XmlElement)) return null
    type = child
  }
  return type
}

/**
 * A relative position for a Lexical selection point, or null when the tree and the Yjs document do
 * not line up (a change not yet synced). `assoc` -1 keeps an end position before inserted text.
 */
export function $relativePositionOf(
  point: PointType,
  root: Y.XmlElement,
  assoc = 0,
): Y.RelativePosition | null {
  const node = point.getNode()
  if (point.type === 'text' && $isTextNode(node)) {
    const parent = node.getParent()
    if (parent === null) return null
    const groups = $groupsOf(parent)
    const index = groups.findIndex((group) => group.kind === 'text' && group.nodes.some((n) => n.is(node)))
    const group = groups[index]
    const parentType = $yTypeOfElement(parent, root)
    const text = parentType?.get(index)
    if (group?.kind !== 'text' || !(text instanceof Y.XmlText)) return null
    let offset = point.offset
    for (const sibling of group.nodes) {
      if (sibling.is(node)) break
      offset += sibling.getTextContentSize()
    }
    return Y.createRelativePositionFromTypeIndex(text, offset, assoc)
  }
  if (!$isElementNode(node)) return null
  const type = $yTypeOfElement(node, root)
  if (type === null) return null
  // Lexical counts children; Yjs counts runs of text as one.
  const before = node.getChildren().slice(0, point.offset)
  let yIndex = 0
  before.forEach((child, i) => {
    if (!$isTextNode(child) || !$isTextNode(before[i + 1])) yIndex++
  })
  return Y.createRelativePositionFromTypeIndex(type, yIndex, assoc)
}

/** A Lexical position: a text node and an offset in it, or an element and a child index. */
export type LexicalPosition =
  | { readonly kind: 'text'; readonly key: string; readonly offset: number }
  | { readonly kind: 'element'; readonly key: string; readonly offset: number }

/** Where an absolute Yjs position falls in the Lexical tree, or null when it is not there (yet). */
export function $lexicalPositionOf(position: Y.AbsolutePosition, root: Y.XmlElement): LexicalPosition | null {
  const path: number[] = []
  // biome-ignore lint/suspicious/noExplicitAny: Yjs types differ only in their event type here
  let type: Y.AbstractType<any> = position.type
  while (type !== root) {
    const item = type._item
    const parent = item?.parent
    if (!(parent instanceof Y.XmlElement) || item?.deleted) return null
    const index = parent.toArray().indexOf(type as Y.XmlElement | Y.XmlText)
    if (index === -1) return null
    path.unshift(index)
    type = parent
  }
  let element: ElementNode = $getRoot()
  for (const [depth, index] of path.entries()) {
    const group = $groupsOf(element)[index]
    if (group === undefined) return null
    if (group.kind === 'text') {
      if (depth !== path.length - 1) return null
      let remaining = position.index
      for (const text of group.nodes) {
        const size = text.getTextContentSize()
        if (remaining <= size) return { kind: 'text', key: text.getKey(), offset: remaining }
        remaining -= size
      }
      const last = group.nodes.at(-1)!
      return { kind: 'text', key: last.getKey(), offset: last.getTextContentSize() }
    }
    if (!$isElementNode(group.node)) return null
    element = group.node
  }
  // An element position: Yjs child index -> Lexical child index.
  const groups = $groupsOf(element)
  let offset = 0
  for (const group of groups.slice(0, position.index))
    offset += group.kind === 'text' ? group.nodes.length : 1
  return { kind: 'element', key: element.getKey(), offset }
}

/** The DOM point of a Lexical position in `editor`'s rendered content, or null when not rendered. */
export function domPointOf(
  getElementByKey: (key: string) => HTMLElement | null,
  position: LexicalPosition,
): { node: Node; offset: number } | null {
  const element = getElementByKey(position.key)
  if (element === null) return null
  if (position.kind === 'element') {
    return { node: element, offset: Math.min(position.offset, element.childNodes.length) }
  }
  // A formatted text node renders as nested elements (<strong><em>…</em></strong>) around one Text.
  const text = document.createTreeWalker(element, NodeFilter.SHOW_TEXT).nextNode() as Text | null
  if (text === null) return { node: element, offset: 0 }
  return { node: text, offset: Math.min(position.offset, text.length) }
}

/** Whether `key` still names a node (a position read earlier may point at a removed one). */
export function $isLive(key: string): boolean {
  return $getNodeByKey(key) !== null
}
