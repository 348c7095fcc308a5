/**
 * What changed between two versions, for the history panel: both full states go into one fresh
 * Y.Doc with garbage collection off (the older first: what the newer deleted stays there, content
 * and all, marked deleted; what it added joins), and `@lexical/yjs`'s V2 snapshot rendering shows
 * the newer version with both kinds of change marked. The live document keeps its GC on.
 */

import { $dfs } from '@lexical/utils'
import { $getYChangeState, createBindingV2__EXPERIMENTAL, renderSnapshot__EXPERIMENTAL } from '@lexical/yjs'
import { LEXICAL_ROOT_NAME } from '@tandem/shared'
import { UNSYNCED_PROPERTIES } from '@tandem/shared/editorNodes'
import type { LexicalEditor, NodeKey } from 'lexical'
import * as Y from 'yjs'

/** One changed node: inserted or deleted since the older version, by the Yjs client that wrote it. */
export interface VersionChange {
  readonly key: NodeKey
  readonly type: 'added' | 'removed'
  /** The Yjs client id of the item (for a deletion: of who wrote what was deleted). */
  readonly client: number
}

/** The snapshot (state vector and delete set) a full state describes. */
export function snapshotOfState(state: Uint8Array): Y.Snapshot {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    return Y.snapshot(doc)
  } finally {
    doc.destroy()
  }
}

/** One document holding both versions' items, deleted ones with their content. */
export function createDiffDoc(older: Uint8Array | null, newer: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: false })
  if (older) Y.applyUpdate(doc, older)
  Y.applyUpdate(doc, newer)
  return doc
}

/**
 * Shows `newer` in `editor` (which must be read-only and otherwise unbound) with what changed since
 * `older` (null: since the empty document) marked, and returns the changed nodes. The caller
 * destroys the returned doc when the view goes away.
 */
export function renderVersionDiff(
  editor: LexicalEditor,
  older: Uint8Array | null,
  newer: Uint8Array,
): { doc: Y.Doc; changes: VersionChange[] } {
  const doc = createDiffDoc(older, newer)
  const snapshot = snapshotOfState(newer)
  const prevSnapshot = older ? snapshotOfState(older) : Y.emptySnapshot
  const binding = createBindingV2__EXPERIMENTAL(editor, 'history', doc, new Map(), {
    rootName: LEXICAL_ROOT_NAME,
    excludedProperties: UNSYNCED_PROPERTIES,
  })
  renderSnapshot__EXPERIMENTAL(binding, snapshot, prevSnapshot)
  // The render is queued like any update; commit it now so the caller reads the result.
  editor.update(() => {}, { discrete: true })
  return { doc, changes: collectChanges(editor) }
}

/** Every node the render marked (the binding's `ychange` node state), text runs and blocks alike. */
function collectChanges(editor: LexicalEditor): VersionChange[] {
  return editor.read(() =>
    $dfs().flatMap(({ node }) => {
      const change = $getYChangeState(node)
      return change ? [{ key: node.getKey(), type: change.type, client: change.id.client }] : []
    }),
  )
}
