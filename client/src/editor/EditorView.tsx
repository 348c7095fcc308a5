/** The Lexical editor bound to a session: toolbar, content, plugins and remote carets. */
import { CheckListPlugin } from '@lexical/react/LexicalCheckListPlugin'
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext'
import { CollaborationPluginV2__EXPERIMENTAL } from '@lexical/react/LexicalCollaborationPlugin'
import { type InitialConfigType, LexicalComposer } from '@lexical/react/LexicalComposer'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { ContentEditable } from '@lexical/react/LexicalContentEditable'
import { EditorRefPlugin } from '@lexical/react/LexicalEditorRefPlugin'
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary'
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin'
import { ListPlugin } from '@lexical/react/LexicalListPlugin'
import { MarkdownShortcutPlugin } from '@lexical/react/LexicalMarkdownShortcutPlugin'
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin'
import { TablePlugin } from '@lexical/react/LexicalTablePlugin'
import { LEXICAL_ROOT_NAME } from '@tandem/shared'
import { MARKDOWN_SHORTCUTS } from '@tandem/shared/content/nodeFormats'
import { EDITOR_NODES, UNSYNCED_PROPERTIES } from '@tandem/shared/editorNodes'
import type { LexicalEditor } from 'lexical'
import { type RefObject, useEffect, useMemo, useState } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import { createEditorErrorHandler, type EditorErrorHandler } from '../collab/createEditorErrorHandler'
import type { TandemAwarenessData } from '../collab/presence'
import { registerListNumbering } from '../collab/registerListNumbering'
import { registerTableRepair } from '../collab/registerTableRepair'
import { registerRoomColor } from '../collab/roomColor'
import { withImageView } from '../images/ImageNodeView'
import { ImagePlugin } from '../images/ImagePlugin'
import { type ImageServices, ImageServicesContext } from '../images/ImageUploadsContext'
import { CodeHighlightingPlugin } from './code/CodeHighlightingPlugin'
import { EditorActionsPlugin } from './EditorActionsPlugin'
import { normalizeLinkUrl } from './editorActions'
import { editorTheme } from './editorTheme'
import { FindReplacePlugin } from './FindReplacePlugin'
import { focusDocumentStart } from './focusDocumentStart'
import { LinkPopup } from './LinkPopup'
import { ListTabPlugin } from './ListTabPlugin'
import { MarkdownPastePlugin } from './MarkdownPastePlugin'
import { OpenLinksPlugin } from './OpenLinksPlugin'
import { PresenceAnnouncer } from './PresenceAnnouncer'
import { registerRemoteCaretLabels } from './remoteCaretLabels'
import { ShortcutsPlugin } from './ShortcutsPlugin'
import { SlashMenuPlugin } from './SlashMenuPlugin'
import { Toolbar } from './Toolbar'
import { UndoOwnChangesPlugin } from './UndoOwnChangesPlugin'
import { useRemoteCaretTestIds } from './useRemoteCaretTestIds'
import { WordCountPlugin } from './WordCountPlugin'

/** Where Ctrl/Cmd+F opens the editor's find: focus in the editor, anywhere on the page, or nowhere. */
export type FindShortcutScope = 'editor' | 'page' | 'off'

/** The person editing, as peers see them. */
export interface EditorUser {
  /** Stable id; presence shows one entry per id. */
  id: string
  name: string
  /** CSS colour of the caret and avatar; a preference that yields to peers unless `fixedColor`. */
  color: string
}

export interface EditorViewProps {
  session: CollabSession
  user: EditorUser
  readOnly: boolean
  /** Disables the toolbar and editing without hiding them (e.g. the connection stopped). */
  frozen?: boolean
  /** Receives the Lexical editor once it exists (e.g. for the title's Enter). */
  editorRef?: RefObject<LexicalEditor | null>
  /** Focus the start of the document once its first sync finished (the person just answered the name prompt). */
  focusWhenSynced?: boolean
  /** Wear `user.color` whatever peers wear (a host chose it). Default false: a colour no peer wears. */
  fixedColor?: boolean
  /** The document's images on the server; without it images show as placeholders and none can be added. */
  images?: ImageServices
  /** Find and replace, and where Ctrl/Cmd+F opens it. Default 'editor'. */
  findShortcut?: FindShortcutScope
  /** Shows the word count footer. Default true. */
  showWordCount?: boolean
  /** Receives the Lexical editor when it exists and null when it goes (state, unlike `editorRef`). */
  onEditor?: (editor: LexicalEditor | null) => void
}

const isValidLink = (url: string) => normalizeLinkUrl(url) !== null

/** Key of the Y.Doc in the collaboration plugin's document map (does not appear in the Yjs data). */
const COLLAB_DOC_ID = 'main'

export function EditorView({
  session,
  user,
  readOnly,
  frozen = false,
  fixedColor = false,
  editorRef,
  focusWhenSynced = false,
  images,
  findShortcut = 'editor',
  showWordCount = true,
  onEditor,
}: EditorViewProps) {
  const [errors] = useState(() => createEditorErrorHandler())
  // Read once by LexicalComposer; editability changes go through EditablePlugin.
  const [initialConfig] = useState<InitialConfigType>(() => ({
    namespace: 'tandem',
    nodes: withImageView(EDITOR_NODES),
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
  useEffect(() => {
    const surface = caretsContainer?.parentElement
    if (caretsContainer === null || surface == null) return undefined
    return registerRemoteCaretLabels(caretsContainer, surface, session.awareness)
  }, [caretsContainer, session.awareness])
  const role = readOnly ? 'viewer' : 'editor'
  // The collaboration plugin reconnects whenever awarenessData changes identity.
  // A fixed colour never yields, so it claims the earliest join time (roomColor.ts).
  const [joinedAtMs] = useState(() => (fixedColor ? 0 : Date.now()))
  const awarenessData = useMemo<TandemAwarenessData>(
    () => ({ userId: user.id, role, joinedAtMs }),
    [user.id, role, joinedAtMs],
  )
  useEffect(() => {
    if (fixedColor) return undefined
    return registerRoomColor(session.awareness, { userId: user.id, joinedAtMs, preferred: user.color })
  }, [session.awareness, user.id, user.color, joinedAtMs, fixedColor])
  const editable = !readOnly && !frozen
  const [editorBox, setEditorBox] = useState<HTMLDivElement | null>(null)

  return (
    <LexicalCollaboration>
      <LexicalComposer initialConfig={initialConfig}>
        <ImageServicesContext.Provider value={images ?? null}>
          <div className="tandem-editor" data-readonly={readOnly} data-testid="editor" ref={setEditorBox}>
            {/* One sticky block, so the find bar stays under the toolbar as the page scrolls. */}
            <div className="tandem-editor-chrome">
              {!readOnly && <Toolbar canInsertImages={images !== undefined} disabled={frozen} />}
              {findShortcut !== 'off' && (
                <FindReplacePlugin
                  canReplace={editable}
                  keyTarget={findShortcut === 'page' ? window : editorBox}
                />
              )}
            </div>
            {!readOnly && <EditorActionsPlugin />}
            {editable && images && <ImagePlugin services={images} />}
            <div className="tandem-editor-surface">
              <RichTextPlugin
                ErrorBoundary={LexicalErrorBoundary}
                contentEditable={
                  <ContentEditable
                    aria-label="Document content"
                    // A viewer can focus the text too (keyboard scrolling, Ctrl+F in the editor).
                    tabIndex={readOnly ? 0 : undefined}
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
              {/* Names of carets are noise to a screen reader; PresenceAnnouncer says who comes and goes. */}
              <div
                aria-hidden="true"
                className="tandem-carets"
                data-testid="remote-carets"
                ref={setCaretsContainer}
              />
              {editable && <LinkPopup />}
            </div>
            {showWordCount && <WordCountPlugin />}
            <PresenceAnnouncer localUserId={user.id} session={session} />
            <ListPlugin />
            <CheckListPlugin />
            {/* Merged cells come only from pastes; the toolbar neither merges nor splits them. */}
            <TablePlugin hasCellBackgroundColor={false} hasHorizontalScroll />
            <CodeHighlightingPlugin />
            {editable && <SlashMenuPlugin canInsertImages={images !== undefined} />}
            <LinkPlugin validateUrl={isValidLink} />
            <OpenLinksPlugin editable={editable} />
            <MarkdownShortcutPlugin transformers={MARKDOWN_SHORTCUTS} />
            <MarkdownPastePlugin />
            <ListTabPlugin maxIndent={6} />
            <ShortcutsPlugin />
            <EditablePlugin editable={editable} />
            {editorRef && <EditorRefPlugin editorRef={editorRef} />}
            {onEditor && <ReportEditorPlugin onEditor={onEditor} />}
            {focusWhenSynced && <FocusWhenSyncedPlugin session={session} />}
            <ListNumberingPlugin />
            {editable && <TableRepairPlugin session={session} />}
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
        </ImageServicesContext.Provider>
      </LexicalComposer>
    </LexicalCollaboration>
  )
}

function EditablePlugin({ editable }: { editable: boolean }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => editor.setEditable(editable), [editor, editable])
  return null
}

/** Focuses the document's start once, when the first sync has brought its content. */
function FocusWhenSyncedPlugin({ session }: { session: CollabSession }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    const store = session.connection.state
    let done = false
    const check = () => {
      const state = store.get()
      if (done || state.status !== 'connected' || !state.synced) return
      done = true
      focusDocumentStart(editor)
    }
    const unsubscribe = store.subscribe(check)
    check()
    return unsubscribe
  }, [editor, session])
  return null
}

function ReportEditorPlugin({ onEditor }: { onEditor: (editor: LexicalEditor | null) => void }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    onEditor(editor)
    return () => onEditor(null)
  }, [editor, onEditor])
  return null
}

function ListNumberingPlugin(): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerListNumbering(editor), [editor])
  return null
}

/** Fills the cells concurrent row and column changes left missing in rows this client created. */
function TableRepairPlugin({ session }: { session: CollabSession }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerTableRepair(editor, session.doc), [editor, session])
  return null
}

function RebuildOnErrorPlugin({ errors }: { errors: EditorErrorHandler }): null {
  const [editor] = useLexicalComposerContext()
  useEffect(() => errors.attach(editor), [editor, errors])
  return null
}
