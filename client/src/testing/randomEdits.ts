/**
 * Seeded random editing for convergence tests: what people do in the editor (type, Enter, delete,
 * select and replace, bold/italic, lists, quotes, headings, Markdown shortcuts, undo/redo, paste),
 * expressed as Lexical updates on a headless peer.
 */
import { $createListItemNode, $createListNode, $insertList, $isListItemNode } from '@lexical/list'
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text'
import { $setBlocksType } from '@lexical/selection'
import { mulberry32 } from '@tandem/shared'
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  $isTextNode,
  type ElementNode,
  type LexicalNode,
  type TextNode,
} from 'lexical'
import type { HeadlessPeer } from './headlessCollab'

/** A seeded random source: the same sequence for the same seed everywhere. */
export const createRandom = mulberry32

export type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

/** A caret position: a text node and an offset in it, or an empty block. */
type Point = { node: TextNode; offset: number } | { node: ElementNode; offset: 0 }

function $allPoints(): Array<TextNode | ElementNode> {
  const targets: Array<TextNode | ElementNode> = []
  const visit = (node: LexicalNode) => {
    if ($isTextNode(node)) targets.push(node)
    else if ($isElementNode(node)) {
      if (node.getChildrenSize() === 0 && !node.isInline()) targets.push(node)
      for (const child of node.getChildren()) visit(child)
    }
  }
  for (const child of $getRoot().getChildren()) visit(child)
  return targets
}

/** A caret offset that does not split a surrogate pair: browsers never put the caret inside one. */
function $codePointOffset(node: TextNode, random: Random): number {
  const text = node.getTextContent()
  const boundaries = [0]
  for (const char of text) boundaries.push(boundaries[boundaries.length - 1]! + char.length)
  return pick(random, boundaries)
}

function $randomPoint(random: Random): Point | null {
  const targets = $allPoints()
  if (targets.length === 0) return null
  const node = pick(random, targets)
  if ($isTextNode(node)) return { node, offset: $codePointOffset(node, random) }
  return { node, offset: 0 }
}

function $selectPoint(point: Point): void {
  if ($isTextNode(point.node)) point.node.select(point.offset, point.offset)
  else point.node.select(0, 0)
}

/** Selects from one random point to another (either direction); false when the document is empty. */
function $selectRandomRange(random: Random): boolean {
  const anchor = $randomPoint(random)
  const focus = $randomPoint(random)
  if (anchor === null || focus === null) return false
  $selectPoint(anchor)
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return false
  selection.focus.set(focus.node.getKey(), focus.offset, $isTextNode(focus.node) ? 'text' : 'element')
  return true
}

function $caretAtRandom(random: Random): boolean {
  const point = $randomPoint(random)
  if (point === null) {
    const paragraph = $createParagraphNode()
    $getRoot().append(paragraph)
    paragraph.select()
    return true
  }
  $selectPoint(point)
  return true
}

function $rangeSelection() {
  const selection = $getSelection()
  return $isRangeSelection(selection) ? selection : null
}

const WORDS = ['a', 'b', 'c', 'x', 'y', '1', '2', ' ', 'ab ', 'xyz', 'é', '💡']

/** One person's action. Returns a short description, printed with the seed when a run fails. */
export type Action = (peer: HeadlessPeer, random: Random) => string

/** Which actions a run draws from: `lists: false` leaves out everything that makes or reshapes lists. */
export interface ActionOptions {
  lists: boolean
}

export type WeightedActions = ReadonlyArray<readonly [weight: number, action: Action]>

export function createActions({ lists }: ActionOptions): WeightedActions {
  const blockKinds = lists
    ? (['bullet', 'number', 'quote', 'h2', 'paragraph'] as const)
    : (['quote', 'h2', 'paragraph'] as const)
  const shortcuts = lists ? ['- ', '> ', '# '] : ['> ', '# ']
  const actions: Array<readonly [weight: number, action: Action]> = [
    [
      30,
      (peer, random) => {
        const text = pick(random, WORDS)
        peer.edit(() => {
          if ($caretAtRandom(random)) $rangeSelection()?.insertText(text)
        })
        return `type ${JSON.stringify(text)}`
      },
    ],
    [
      8,
      (peer, random) => {
        peer.edit(() => {
          if ($caretAtRandom(random)) $rangeSelection()?.insertParagraph()
        })
        return 'Enter'
      },
    ],
    [
      12,
      (peer, random) => {
        peer.edit(() => {
          if ($selectRandomRange(random)) $rangeSelection()?.removeText()
        })
        return 'select and delete'
      },
    ],
    [
      6,
      (peer, random) => {
        const text = pick(random, WORDS)
        peer.edit(() => {
          if ($selectRandomRange(random)) $rangeSelection()?.insertText(text)
        })
        return `select and type ${JSON.stringify(text)}`
      },
    ],
    [
      6,
      (peer, random) => {
        const format = pick(random, ['bold', 'italic'] as const)
        peer.edit(() => {
          if ($selectRandomRange(random)) $rangeSelection()?.formatText(format)
        })
        return `toggle ${format}`
      },
    ],
    [
      6,
      (peer, random) => {
        const kind = pick(random, blockKinds)
        peer.edit(() => {
          if (!$caretAtRandom(random)) return
          const selection = $rangeSelection()
          if (selection === null) return
          if (kind === 'bullet' || kind === 'number') $insertList(kind)
          else
            $setBlocksType(selection, () =>
              kind === 'quote'
                ? $createQuoteNode()
                : kind === 'h2'
                  ? $createHeadingNode('h2')
                  : $createParagraphNode(),
            )
        })
        return `make ${kind}`
      },
    ],
    [
      4,
      (peer, random) => {
        // A Markdown shortcut typed at the start of a block: "- " makes a list, "> " a quote.
        const shortcut = pick(random, shortcuts)
        peer.edit(() => {
          const blocks = $getRoot().getChildren().filter($isElementNode)
          if (blocks.length === 0) return
          const block = pick(random, blocks)
          const first = block.getFirstDescendant()
          if ($isTextNode(first)) first.select(0, 0)
          else block.select(0, 0)
        })
        for (const char of shortcut) peer.edit(() => $rangeSelection()?.insertText(char))
        return `shortcut ${JSON.stringify(shortcut)}`
      },
    ],
    [
      3,
      (peer, random) => {
        // A paste of several lines, as the clipboard handler inserts them.
        peer.edit(() => {
          if (!$caretAtRandom(random)) return
          $rangeSelection()?.insertNodes([
            $createParagraphNode().append($createTextNode('pasted one')),
            lists
              ? $createListNode('bullet').append($createListItemNode().append($createTextNode('pasted item')))
              : $createParagraphNode().append($createTextNode('pasted two')),
          ])
        })
        return 'paste'
      },
    ],
    [
      3,
      (peer, random) => {
        // Deletes a whole block (select it and Backspace), which can make two lists meet and merge.
        peer.edit(() => {
          const blocks = $getRoot().getChildren()
          if (blocks.length > 1) pick(random, blocks).remove()
        })
        return 'delete a block'
      },
    ],
    [
      4,
      (peer) => {
        peer.undoManager.undo()
        return 'undo'
      },
    ],
    [
      2,
      (peer) => {
        peer.undoManager.redo()
        return 'redo'
      },
    ],
  ]
  if (lists) {
    actions.push([
      3,
      (peer, random) => {
        peer.edit(() => {
          if (!$caretAtRandom(random)) return
          const item = $rangeSelection()?.anchor.getNode().getParents().find($isListItemNode)
          if (item) item.setIndent(Math.min(item.getIndent() + 1, 3))
        })
        return 'indent list item'
      },
    ])
  }
  return actions
}

/** Picks an action by weight. */
export function pickAction(actions: WeightedActions, random: Random): Action {
  const total = actions.reduce((sum, [weight]) => sum + weight, 0)
  let roll = random() * total
  for (const [weight, action] of actions) {
    roll -= weight
    if (roll < 0) return action
  }
  return actions[0]![1]
}
