/**
 * Lexical documents for tests, headless: write a V1-layout document as main's editor did (to make
 * legacy documents of any size), and read the V2 tree back as the web app's editor does.
 */
import { createHeadlessEditor } from '@lexical/headless'
import { createYjsBinding, syncLexicalUpdateToYjs } from '@lexical/yjs'
import { bindEditorV2, createSilentProvider } from '@tandem/shared/bindEditorV2'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import type { LexicalEditor, SerializedEditorState } from 'lexical'
import * as Y from 'yjs'

const BINDING_ID = 'test'

/** A V1-layout document holding what `build` (a Lexical update function) creates. */
export function writeV1Document(build: () => void): Y.Doc {
  const editor = createTestEditor()
  const doc = new Y.Doc()
  const binding = createYjsBinding({ editor, id: BINDING_ID, doc, docMap: new Map() })
  const provider = createSilentProvider()
  // Wired as main's useYjsCollaboration wired the V1 binding.
  editor.registerUpdateListener((payload) => {
    syncLexicalUpdateToYjs(
      binding,
      provider,
      payload.prevEditorState,
      payload.editorState,
      payload.dirtyElements,
      payload.dirtyLeaves,
      payload.normalizedNodes,
      payload.tags,
    )
  })
  editor.update(build, { discrete: true })
  return doc
}

/** The editor state a V2-bound editor shows for `doc`, as a page opening it would. */
export function readV2EditorState(doc: Y.Doc): SerializedEditorState {
  const editor = createTestEditor()
  const scratch = new Y.Doc()
  const bound = bindEditorV2(editor, scratch)
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
  // The binding's update is queued; a discrete no-op update commits it now.
  editor.update(() => {}, { discrete: true })
  const state = editor.getEditorState().toJSON()
  bound.unbind()
  scratch.destroy()
  return state
}

function createTestEditor(): LexicalEditor {
  return createHeadlessEditor({
    namespace: BINDING_ID,
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
}

/** A V1 tree as plain data (attributes, text, nested types), to compare trees across documents. */
export function describeV1Tree(value: unknown): unknown {
  if (value instanceof Y.XmlText) {
    return { attributes: describeV1Tree(value.getAttributes()), delta: describeV1Tree(value.toDelta()) }
  }
  if (value instanceof Y.Map) return describeV1Tree(Object.fromEntries(value.entries()))
  if (Array.isArray(value)) return value.map(describeV1Tree)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, describeV1Tree(entry)]))
  }
  return value
}
