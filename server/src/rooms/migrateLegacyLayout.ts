/**
 * The one-time move of a document from the V1 Lexical layout ('root' Y.XmlText) to the V2 layout
 * ('root-v2' Y.XmlElement): read with the V1 binding, write with the V2 binding, both headless.
 */
import { createHash } from 'node:crypto'
import { createHeadlessEditor } from '@lexical/headless'
import { createYjsBinding, syncYjsChangesToLexical } from '@lexical/yjs'
import { bindEditorV2, createSilentProvider } from '@tandem/shared/bindEditorV2'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import type { LexicalEditor, SerializedEditorState } from 'lexical'
import * as Y from 'yjs'

/** The bindings' key in their (unused) doc map; it names nothing stored. */
const BINDING_ID = 'layout-migration'

/**
 * The Yjs update that writes the V1 tree of `doc` into the V2 root, leaving the V1 tree (the kept
 * copy of the old state) and everything else untouched. Does not modify `doc`. Throws when
 * Lexical cannot read or write the tree.
 *
 * Deterministic: the update is written by a client id derived from the content it carries, with
 * clocks from 0, so two nodes migrating the same document produce byte-identical updates and
 * Yjs keeps one copy when both arrive.
 */
export function createLayoutMigration(doc: Y.Doc): Uint8Array {
  const state = readLegacyEditorState(doc)
  return writeEditorStateV2(state, migrationClientId(doc, state))
}

/** The Lexical editor state of the V1 tree, read as the V1 plugin reads a document it joins. */
export function readLegacyEditorState(doc: Y.Doc): SerializedEditorState {
  const reader = createMigrationEditor()
  // A scratch copy: the V1 binding normalizes text by writing to its doc, which must never be the room's.
  const scratch = new Y.Doc()
  try {
    const binding = createYjsBinding({
      editor: reader.editor,
      id: BINDING_ID,
      doc: scratch,
      docMap: new Map(),
    })
    const provider = createSilentProvider()
    binding.root.getSharedType().observeDeep((events) => {
      syncYjsChangesToLexical(binding, provider, events as Array<Y.YEvent<Y.XmlText>>, false)
    })
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
    // The binding's update is queued; a discrete no-op update commits it now.
    reader.editor.update(() => {}, { discrete: true })
    reader.throwIfFailed()
    return reader.editor.getEditorState().toJSON()
  } finally {
    scratch.destroy()
  }
}

/** The update a V2-bound editor writes when set to `state` on an empty document as `clientId`. */
function writeEditorStateV2(state: SerializedEditorState, clientId: number): Uint8Array {
  const writer = createMigrationEditor()
  const scratch = new Y.Doc()
  scratch.clientID = clientId
  try {
    const bound = bindEditorV2(writer.editor, scratch)
    writer.editor.setEditorState(writer.editor.parseEditorState(state))
    writer.editor.update(() => {}, { discrete: true })
    writer.throwIfFailed()
    bound.unbind()
    // The scratch doc holds only the V2 tree: the whole of it is the migration.
    return Y.encodeStateAsUpdate(scratch)
  } finally {
    scratch.destroy()
  }
}

/**
 * A client id taken from a hash of the content: equal content, equal id, equal structs. Hashing the
 * content (not the state vector) matters: a deletion leaves the state vector as it was, and two
 * different trees written under one id and clock would be merged as if they were one. An id the
 * document already uses is skipped (the next hash), so the clocks start from 0.
 */
function migrationClientId(doc: Y.Doc, state: SerializedEditorState): number {
  const used = Y.decodeStateVector(Y.encodeStateVector(doc))
  const content = JSON.stringify(state)
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(`${attempt}:${content}`).digest()
    const id = digest.readUInt32BE(0)
    if (!used.has(id)) return id
  }
}

interface MigrationEditor {
  readonly editor: LexicalEditor
  /** Lexical reports errors inside updates to onError; this turns the first into a throw. */
  throwIfFailed(): void
}

function createMigrationEditor(): MigrationEditor {
  const errors: Error[] = []
  const editor = createHeadlessEditor({
    namespace: BINDING_ID,
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      errors.push(error)
    },
  })
  return {
    editor,
    throwIfFailed: () => {
      if (errors.length > 0) throw errors[0]
    },
  }
}
