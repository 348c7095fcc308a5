/** The node types a Tandem document may contain; every client and any server-side seeder registers these. */
import { CodeHighlightNode, CodeNode } from '@lexical/code'
import { HorizontalRuleNode } from '@lexical/extension'
import { AutoLinkNode, LinkNode } from '@lexical/link'
import { ListItemNode, ListNode } from '@lexical/list'
import { HeadingNode, QuoteNode } from '@lexical/rich-text'
import { TableCellNode, TableNode, TableRowNode } from '@lexical/table'
import {
  type Klass,
  type LexicalNode,
  ParagraphNode,
  type SerializedEditorState,
  type SerializedLexicalNode,
} from 'lexical'
import { ImageNode } from './ImageNode'

export const EDITOR_NODES: readonly Klass<LexicalNode>[] = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  CodeNode,
  CodeHighlightNode,
  LinkNode,
  AutoLinkNode,
  ImageNode,
  TableNode,
  TableRowNode,
  TableCellNode,
  // The headless node from @lexical/extension, not @lexical/react's deprecated subclass: the server's
  // layout migration registers these nodes too, without React.
  HorizontalRuleNode,
]

/**
 * Element properties that are per-person editor state, not document content: Lexical's reconciler
 * sets an element's text format and style from its first text child and keeps them after that child
 * is gone (they are the format the next typed character takes), so each peer's values depend on its
 * own history. Synced, they made editor states drift from the document they show.
 */
export const LOCAL_ELEMENT_PROPERTIES: readonly string[] = ['__textFormat', '__textStyle']

const ELEMENT_NODES: readonly Klass<LexicalNode>[] = [
  ParagraphNode,
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  CodeNode,
  LinkNode,
  AutoLinkNode,
  TableNode,
  TableRowNode,
  TableCellNode,
]

/**
 * Per-node-type properties that each client derives for itself: a list item's number follows from its
 * position; whether a code block is highlighted is set by a highlighter as it runs (Tandem paints
 * highlighting outside the document, client/src/editor/code/registerCodeHighlighting.ts, so it stays
 * false, but a client that ran one of Lexical's highlighters must not push its flag to everyone).
 * Table properties are all content: column widths, row heights and cell widths change only by an edit
 * or a paste, never by the reconciler, and Lexical's table transform fixes widths deterministically.
 */
const PER_CLIENT_PROPERTIES: ReadonlyMap<Klass<LexicalNode>, readonly string[]> = new Map<
  Klass<LexicalNode>,
  readonly string[]
>([
  [ListItemNode, ['__value']],
  [CodeNode, ['__isSyntaxHighlightSupported']],
])

/**
 * Node properties the collaboration binding must not sync (its `excludedProperties`): the local
 * element state above, and the per-client properties (a list item's number: syncing it only spread
 * stale numbers written by a peer that had not seen a concurrent insert;
 * client/src/collab/registerListNumbering.ts recomputes numbers locally).
 */
export const UNSYNCED_PROPERTIES: Map<Klass<LexicalNode>, Set<string>> = new Map(
  ELEMENT_NODES.map((klass) => [
    klass,
    new Set([...LOCAL_ELEMENT_PROPERTIES, ...(PER_CLIENT_PROPERTIES.get(klass) ?? [])]),
  ]),
)

/** JSON keys of UNSYNCED_PROPERTIES (`__value` is exported as `value`). */
const UNSYNCED_JSON_KEYS = new Set(
  [...new Set([...UNSYNCED_PROPERTIES.values()].flatMap((properties) => [...properties]))].map((property) =>
    property.replace(/^__/, ''),
  ),
)

/**
 * An editor state's document content: its nodes without the properties the binding does not sync,
 * which differ between people viewing the same document by design. Compare these, not raw states.
 */
export function documentContent(state: SerializedEditorState): SerializedLexicalNode[] {
  const strip = (node: SerializedLexicalNode): SerializedLexicalNode => {
    const copy: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if (UNSYNCED_JSON_KEYS.has(key) && node.type !== 'text') continue
      copy[key] = key === 'children' && Array.isArray(value) ? value.map(strip) : value
    }
    return copy as unknown as SerializedLexicalNode
  }
  return state.root.children.map(strip)
}
