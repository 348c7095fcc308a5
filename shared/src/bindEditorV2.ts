/**
 * Binds a Lexical editor to a Y.Doc with @lexical/yjs's V2 binding, wired as the React plugin
 * (useYjsCollaborationV2__EXPERIMENTAL) wires it, for editors outside React: the server's layout
 * migration and the headless tests. Same root name and unsynced properties as the web app.
 */
import {
  type BindingV2,
  createBindingV2__EXPERIMENTAL,
  type Provider,
  syncLexicalUpdateToYjsV2__EXPERIMENTAL,
  syncYjsChangesToLexicalV2__EXPERIMENTAL,
} from '@lexical/yjs'
import type { LexicalEditor } from 'lexical'
import * as Y from 'yjs'
import { LEXICAL_ROOT_NAME } from './docLayout'
import { UNSYNCED_PROPERTIES } from './editorNodes'

/** The binding's key in its (unused) document map; it names nothing stored. */
const BINDING_ID = 'main'

export interface BoundEditor {
  readonly binding: BindingV2
  /** Stops syncing in both directions. */
  unbind(): void
}

/**
 * Syncs `editor` and `doc` both ways from now on; remote changes are those not made by the binding.
 * `provider` defaults to one without presence; the binding keeps the local caret in its awareness
 * state and restores it from there after remote changes, so tests of the caret pass one that keeps it.
 */
export function bindEditorV2(
  editor: LexicalEditor,
  doc: Y.Doc,
  provider: Provider = createSilentProvider(),
): BoundEditor {
  const binding = createBindingV2__EXPERIMENTAL(editor, BINDING_ID, doc, new Map(), {
    rootName: LEXICAL_ROOT_NAME,
    excludedProperties: UNSYNCED_PROPERTIES,
  })
  const handleYjsChanges = (
    events: Array<Y.YEvent<Y.XmlElement | Y.XmlText>>,
    transaction: Y.Transaction,
  ) => {
    if (transaction.origin === binding) return
    syncYjsChangesToLexicalV2__EXPERIMENTAL(
      binding,
      provider,
      events,
      transaction,
      transaction.origin instanceof Y.UndoManager,
    )
  }
  binding.root.observeDeep(handleYjsChanges)
  const removeUpdateListener = editor.registerUpdateListener((payload) => {
    syncLexicalUpdateToYjsV2__EXPERIMENTAL(
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
  return {
    binding,
    unbind() {
      binding.root.unobserveDeep(handleYjsChanges)
      removeUpdateListener()
    },
  }
}

/** A provider the bindings accept where no one is connected: no presence, no events. */
export function createSilentProvider(): Provider {
  const awareness: Provider['awareness'] = {
    getLocalState: () => null,
    getStates: () => new Map(),
    on: () => {},
    off: () => {},
    setLocalState: () => {},
    setLocalStateField: () => {},
  }
  return { awareness, connect: () => {}, disconnect: () => {}, on: () => {}, off: () => {} }
}
