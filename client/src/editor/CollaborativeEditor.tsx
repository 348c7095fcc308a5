/**
 * The collaborative editor: connects to a Tandem server and edits a room. The one composition of the
 * editor, used by embeds, by hosts of the library and by the web app (which lays the parts out in its
 * own page through `layout`).
 */
import type { AppendixThread } from '@tandem/shared'
import type { LexicalEditor } from 'lexical'
import {
  type ReactElement,
  type ReactNode,
  type RefObject,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import type { CollabSession } from '../collab/CollabSession'
import {
  type ConnectionState,
  isAccessRevoked,
  type StopReason,
  type TokenSource,
} from '../collab/ConnectionController'
import { toHttpBase } from '../collab/serverUrls'
import { readTokenClaims } from '../collab/tokenClaims'
import { useCollabSession } from '../collab/useCollabSession'
import { useConnectionState, usePresence, useSaveState } from '../collab/useSessionState'
import { CommentsPanel } from '../comments/CommentsPanel'
import { summarizeThreads } from '../comments/summarizeThreads'
import { useCommentsSession } from '../comments/useCommentsSession'
import { colorForUser } from '../identity/identity'
import { ImageUploads } from '../images/ImageUploads'
import type { ImageServices } from '../images/ImageUploadsContext'
import { UploadTasks } from '../images/UploadTasks'
import { ConnectionIndicator } from './ConnectionIndicator'
import { DocumentOutline } from './DocumentOutline'
import { EditorView, type FindShortcutScope } from './EditorView'
import { focusDocumentStart } from './focusDocumentStart'
import { PresenceList } from './PresenceList'
import { StopBanner } from './StopBanner'
import { TitleField } from './TitleField'

/** What `onStatus` reports whenever the connection, save state or presence changes. */
export interface EditorStatus {
  connection: ConnectionState['status']
  /** True once connected and the initial sync finished. */
  synced: boolean
  /** Local changes the server has not confirmed as stored. */
  unsavedChanges: number
  /** People in the document (one per user id), including this one. */
  peers: number
  /** Set when the connection stopped for good. */
  stopReason: StopReason | null
}

/** The parts of one editor, wired to its session, for a host that places them itself (`layout`). */
export interface EditorParts {
  session: CollabSession
  /** The `readOnly` prop, or a viewer token. */
  readOnly: boolean
  /** Why the connection stopped for good; null while it runs. */
  stopReason: StopReason | null
  /** The shared title; read-only for viewers and once stopped; Enter moves to the document's start. */
  title: ReactElement
  /** Why the connection stopped; null while it runs. */
  banner: ReactElement | null
  /** The toolbar and the document: every plugin, the collaboration binding, undo, remote carets. */
  editor: ReactElement
  /** Connection state, and save state for editors. */
  connection: ReactElement
  /** Everyone in the document. */
  presence: ReactElement
  /** The Lexical editor once it exists (to export the document, for example). */
  editorRef: RefObject<LexicalEditor | null>
  /** The document's headings as a table of contents (a `<nav>`); clicking one scrolls to it. */
  outline: ReactElement
  /** The comment threads: a side panel (a bottom sheet on small screens), highlights in the text. */
  comments: ReactElement
  /** The comment threads as an export's appendix shows them (none before they have loaded). */
  readComments: () => AppendixThread[]
}

export interface CollaborativeEditorProps {
  /** Tandem server URL, e.g. `https://docs.example.com` (http(s) or ws(s)); '' = this page's origin. */
  serverUrl: string
  /** Room (document) name: 1-128 characters of `[A-Za-z0-9._~-]`. */
  room: string
  /** Connection token minted by the host's backend (see docs/embedding.md). */
  token: string
  /**
   * Called for a fresh token when the current one expired (close 4401) or a connection attempt was
   * refused. Resolve null to give up (access denied); throw to retry later. Without it, an expired
   * token stops the editor.
   */
  getToken?: TokenSource
  /** Who is editing. Without `color`, a colour no one else in the room wears (preferring one derived from `id`). */
  user: { id: string; name: string; color?: string }
  /**
   * Keep the document in this browser's IndexedDB, so edits made offline survive a closed tab and
   * reach the server on the next visit. Default false: a host app decides whether its pages store
   * documents on the device (shared computers, storage partitioning, its own offline story). Never
   * used for viewers (read-only or a viewer token). Deleted when access is revoked.
   */
  localCopy?: boolean
  /** Read-only view. Also forced when the token's role is `viewer`. Default false. */
  readOnly?: boolean
  /** Called on every status change. */
  onStatus?: (status: EditorStatus) => void
  /** Shows the shared title above the editor. Default false. Ignored with `layout`. */
  showTitle?: boolean
  /** Shows the status bar (connection, saved state, presence). Default true. Ignored with `layout`. */
  showStatusBar?: boolean
  /**
   * Shows the outline (headings) beside the editor when the box is wide enough. Default false: an
   * embedded editor is often a small box. Ignored with `layout` (place `parts.outline`).
   */
  showOutline?: boolean
  /** Shows words, characters and reading time under the document. Default true. */
  showWordCount?: boolean
  /**
   * Find and replace (viewers: find). `'editor'`: Ctrl/Cmd+F opens it while focus is in the editor;
   * `'page'`: anywhere on the page (for a page that is all editor); `'off'`: no find bar. Default 'editor'.
   */
  findShortcut?: FindShortcutScope
  /** Focus the start of the document once its first sync finished (editors only). Default false. */
  focusWhenSynced?: boolean
  /**
   * Adds a Reload button to the stop banner where reloading helps. Default none: in an embed it
   * would reload the host page.
   */
  onReload?: () => void
  /**
   * Places the parts in the host's own page (React hosts): replaces the default box of title
   * (`showTitle`), stop banner, editor and status bar (`showStatusBar`).
   */
  layout?: (parts: EditorParts) => ReactNode
  /**
   * Connects the document's comment threads and fills `parts.comments` (place it with `layout`).
   * Default false: the default layout has no room for them, and each costs a second socket.
   */
  comments?: boolean
  /** Shown until the session exists (the first render). Default: an empty box the editor's size. */
  placeholder?: ReactNode
}

/** `<CollaborativeEditor serverUrl room token user />`: renders nothing but a placeholder until the session exists. */
export function CollaborativeEditor(props: CollaborativeEditorProps) {
  const { serverUrl, room, token, getToken } = props
  // Commenters cannot change the text either: no copy of it (their comments have their own).
  const tokenRole = readTokenClaims(token)?.role
  const viewer = props.readOnly === true || tokenRole === 'viewer' || tokenRole === 'commenter'
  const session = useCollabSession({
    serverUrl,
    room,
    token,
    localCopy: props.localCopy === true && !viewer,
    ...(getToken ? { getToken } : {}),
  })
  if (session === null) {
    return props.placeholder ?? <div className="tandem-root tandem-loading" data-testid="editor-loading" />
  }
  return <SessionEditor {...props} session={session} />
}

function SessionEditor(props: CollaborativeEditorProps & { session: CollabSession }) {
  const { session, showTitle = false, showStatusBar = true, onStatus, onReload } = props
  const role = useMemo(() => readTokenClaims(props.token)?.role, [props.token])
  const readOnly = props.readOnly === true || role === 'viewer' || role === 'commenter'
  const comments = useCommentsSession(
    props.comments === true ? session : null,
    props.serverUrl,
    props.room,
    props.localCopy === true && role !== 'viewer',
  )
  const user = useMemo(
    () => ({
      id: props.user.id,
      name: props.user.name,
      color: props.user.color ?? colorForUser(props.user.id),
    }),
    [props.user.id, props.user.name, props.user.color],
  )
  const images = useImageServices(session, props.serverUrl, props.room)
  const connection = useConnectionState(session)
  const save = useSaveState(session)
  const presence = usePresence(session, user.id)
  const stopped = connection.status === 'stopped' ? connection.reason : null
  const revoked = stopped !== null && isAccessRevoked(stopped)
  const editorRef = useRef<LexicalEditor | null>(null)
  const [lexicalEditor, setLexicalEditor] = useState<LexicalEditor | null>(null)
  // Hosts often pass an inline callback; report on status changes, not on host re-renders.
  const onStatusRef = useRef(onStatus)
  onStatusRef.current = onStatus

  useEffect(() => {
    onStatusRef.current?.({
      connection: connection.status,
      synced: connection.status === 'connected' && connection.synced,
      unsavedChanges: save.unsavedChanges,
      peers: presence.length,
      stopReason: stopped,
    })
  }, [connection, save.unsavedChanges, presence.length, stopped])

  // With access gone its edits could never be saved, and a revoked document should not stay
  // readable on a shared computer (a no-op without a copy).
  useEffect(() => {
    if (!revoked) return
    void session.clearLocalCopy().catch(() => {})
    void comments?.clearLocalCopy().catch(() => {})
  }, [revoked, session, comments])

  const parts: EditorParts = {
    session,
    readOnly,
    stopReason: stopped,
    title: (
      <TitleField
        doc={session.doc}
        onEnter={() => editorRef.current && focusDocumentStart(editorRef.current)}
        readOnly={readOnly || stopped !== null}
      />
    ),
    banner: stopped === null ? null : <StopBanner reason={stopped} {...(onReload ? { onReload } : {})} />,
    editor: (
      <EditorView
        editorRef={editorRef}
        findShortcut={props.findShortcut ?? 'editor'}
        onEditor={setLexicalEditor}
        showWordCount={props.showWordCount !== false}
        fixedColor={props.user.color !== undefined}
        focusWhenSynced={props.focusWhenSynced === true && !readOnly}
        frozen={stopped !== null}
        images={images}
        readOnly={readOnly}
        session={session}
        user={user}
      />
    ),
    connection: <ConnectionIndicator session={session} showSaveState={!readOnly} />,
    presence: <PresenceList localUserId={user.id} session={session} />,
    editorRef,
    outline: <DocumentOutline editor={lexicalEditor} />,
    readComments: () => (comments === null ? [] : summarizeThreads(comments.doc, session.doc)),
    comments:
      comments === null ? (
        <span />
      ) : (
        <CommentsPanel
          canComment={(role === 'editor' || role === 'commenter') && stopped === null}
          comments={comments}
          editor={lexicalEditor}
          textDoc={session.doc}
        />
      ),
  }
  if (props.layout) return props.layout(parts)
  return (
    <DefaultLayout
      parts={parts}
      showOutline={props.showOutline === true}
      showStatusBar={showStatusBar}
      showTitle={showTitle}
    />
  )
}

/** The session's image uploads and signed URLs, for as long as the session lives. */
function useImageServices(session: CollabSession, serverUrl: string, room: string): ImageServices {
  const services = useMemo(
    () => ({
      uploads: new ImageUploads({
        httpBase: toHttpBase(serverUrl, window.location.href),
        room,
        getToken: () => session.connection.currentToken,
      }),
      tasks: new UploadTasks(),
    }),
    [session, serverUrl, room],
  )
  useEffect(() => () => services.uploads.destroy(), [services])
  return services
}

/** The embed's layout: one bordered box, the title, the outline and the status bar optional. */
function DefaultLayout({
  parts,
  showTitle,
  showStatusBar,
  showOutline,
}: {
  parts: EditorParts
  showTitle: boolean
  showStatusBar: boolean
  showOutline: boolean
}) {
  return (
    <div className="tandem-root" data-testid="collaborative-editor">
      {showTitle && parts.title}
      {parts.banner}
      {showOutline ? (
        <div className="tandem-body">
          {parts.outline}
          {parts.editor}
        </div>
      ) : (
        parts.editor
      )}
      {showStatusBar && (
        <div className="tandem-status-bar">
          {parts.connection}
          {parts.presence}
        </div>
      )}
    </div>
  )
}
