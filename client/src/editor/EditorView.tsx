/** The Lexical editor bound to a session: toolbar, content, plugins and remote carets. */
import { CheckListPlugin } from '@lexical/react/LexicalCheckListPlugin'
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext'
import { CollaborationPluginV2__EXPERIMENTAL } from '@lexical/react/LexicalCollaborationPlugin'
import { type InitialConfigType, LexicalComposer } from '@lexical/react/LexicalComposer'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { ContentEditable } from '@lexical/react/LexicalContentEditable'
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary'
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin'
import { ListPlugin } from '@lexical/react/LexicalListPlugin'
import { MarkdownShortcutPlugin } from '@lexical/react/LexicalMarkdownShortcutPlugin'
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin'
import { TabIndentationPlugin } from '@lexical/react/LexicalTabIndentationPlugin'
import { EDITOR_NODES, UNSYNCED_PROPERTIES } from '@tandem/shared/editorNodes'
import { useEffect, useMemo, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import { createEditorErrorHandler, type EditorErrorHandler } from '../collab/createEditorErrorHandler'
import { COLLAB_DOC_ID, LEXICAL_ROOT_NAME } from '../collab/docLayout'
import type { TandemAwarenessData } from '../collab/presence'
import { registerListNumbering } from '../collab/registerListNumbering'
import { normalizeLinkUrl } from './editorActions'
import { editorTheme } from './editorTheme'
import { MARKDOWN_TRANSFORMERS } from './markdownTransformers'
import { OpenLinksPlugin } from './OpenLinksPlugin'
import { ShortcutsPlugin } from './ShortcutsPlugin'
import { Toolbar } from './Toolbar'
import { UndoOwnChangesPlugin } from './UndoOwnChangesPlugin'
import { useRemoteCaretTestIds } from './useRemoteCaretTestIds'

/** The person editing, as peers see them. */
export interface EditorUser {
  /** Stable id; presence shows one entry per id. */
  id: string
  name: string
  /** CSS colour of the caret and avatar. */
  color: string
}

export interface EditorViewProps {
  session: CollabSession
  user: EditorUser
  readOnly: boolean
  /** Disables the toolbar and editing without hiding them (e.g. the connection stopped). */
  frozen?: boolean
}

const isValidLink = (url: string) => normalizeLinkUrl(url) !== null

export function EditorView({ session, user, readOnly, frozen = false }: EditorViewProps) {
  const [errors] = useState(() => createEditorErrorHandler())
  // Read once by LexicalComposer; editability changes go through EditablePlugin.
  const [initialConfig] = useState<InitialConfigType>(() => ({
    namespace: 'tandem',
    nodes: [...EDITOR_NODES],
    theme: editorTheme,
    editable: !readOnly,
    // The Yjs document owns the content; a default paragraph here would be synced as an edit.
    editorState: null,
    onError: errors.onError,
  }))
  // The V2 plugin reads the carets container once, while rendering: mount it only after the container
  // exists, or remote carets land in document.body, outside the editor's scrolling surface.
  const [caretsContainer, setCaretsContainer] = useState<HTMLDivElement | null>(null)
  const caretsRef = useMemo(() => ({ current: caretsContainer }), [caretsContainer])
  useRemoteCaretTestIds(caretsRef)
  const role = readOnly ? 'viewer' : 'editor'
  // The collaboration plugin reconnects whenever awarenessData changes identity.
  const awarenessData = useMemo<TandemAwarenessData>(() => ({ userId: user.id, role }), [user.id, role])
  const editable = !readOnly && !frozen

  return (
    <LexicalCollaboration>
      <LexicalComposer initialConfig={initialConfig}>
        <div className="tandem-editor" data-readonly={readOnly} data-testid="editor">
          {!readOnly && <Toolbar disabled={frozen} />}
          <div className="tandem-editor-surface">
            <RichTextPlugin
              ErrorBoundary={LexicalErrorBoundary}
              contentEditable={
                <ContentEditable
                  aria-label="Document content"
                  aria-placeholder={readOnly ? 'This document is empty.' : 'Start writing…'}
                  className="tandem-content-editable"
                  data-testid="editor-content"
                  placeholder={
                    <div className="tandem-placeholder" data-testid="editor-placeholder">
                      {readOnly
                        ? 'This document is empty.'
                        : 'Start writing… (Markdown shortcuts work: # , - , **bold**)'}
                    </div>
                  }
                />
              }
            />
            <div className="tandem-carets" data-testid="remote-carets" ref={setCaretsContainer} />
          </div>
          <ListPlugin />
          <CheckListPlugin />
          <LinkPlugin validateUrl={isValidLink} />
          <OpenLinksPlugin disabled={editable} />
          <MarkdownShortcutPlugin transformers={MARKDOWN_TRANSFORMERS} />
          <TabIndentationPlugin maxIndent={6} />
          <ShortcutsPlugin />
          <EditablePlugin editable={editable} />
          <ListNumberingPlugin />
          <RebuildOnErrorPlugin errors={errors} />
          <UndoOwnChangesPlugin />
          {/* The V2 binding: the V1 binding lost concurrent text (docs/architecture.md, "Editor binding"). */}
          {caretsContainer !== null && (
            <CollaborationPluginV2__EXPERIMENTAL
              awarenessData={awarenessData}
              cursorColor={user.color}
              cursorsContainerRef={caretsRef}
              doc={session.doc}
              excludedProperties={UNSYNCED_PROPERTIES}
              id={COLLAB_DOC_ID}
              provider={session.pluginProvider}
              rootName={LEXICAL_ROOT_NAME}
              username={user.name}
            />
          )}
        </div>
      </LexicalComposer>
    </LexicalCollaboration>
  )
}

function EditablePlugin({ editable }: { editable: boolean }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => editor.setEditable(editable), [editor, editable])
  return null
}

function ListNumberingPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerListNumbering(editor), [editor])
  return null
}

function RebuildOnErrorPlugin({ errors }: { errors: EditorErrorHandler }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => errors.attach(editor), [editor, errors])
  return null
}
