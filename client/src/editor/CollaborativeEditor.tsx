/** The embeddable collaborative editor: one component that connects to a Tandem server and edits a room. */
import type { LexicalEditor } from 'lexical'
import { useEffect, useMemo, useRef } from 'react'
import type { CollabSession } from '../collab/CollabSession'
import type { ConnectionState, StopReason, TokenSource } from '../collab/ConnectionController'
import { readTokenClaims } from '../collab/tokenClaims'
import { useCollabSession } from '../collab/useCollabSession'
import { useConnectionState, usePresence, useSaveState } from '../collab/useSessionState'
import { colorForUser } from '../identity/identity'
import { ConnectionIndicator } from './ConnectionIndicator'
import { EditorView } from './EditorView'
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
   * used for viewers (read-only or a viewer token).
   */
  localCopy?: boolean
  /** Read-only view. Also forced when the token's role is `viewer`. Default false. */
  readOnly?: boolean
  /** Called on every status change. */
  onStatus?: (status: EditorStatus) => void
  /** Shows the shared title above the editor. Default false. */
  showTitle?: boolean
  /** Shows the status bar (connection, saved state, presence). Default true. */
  showStatusBar?: boolean
}

/** `<CollaborativeEditor serverUrl room token user />`: renders nothing but a placeholder until the session exists. */
export function CollaborativeEditor(props: CollaborativeEditorProps) {
  const { serverUrl, room, token, getToken } = props
  const viewer = props.readOnly === true || readTokenClaims(token)?.role === 'viewer'
  const session = useCollabSession({
    serverUrl,
    room,
    token,
    localCopy: props.localCopy === true && !viewer,
    ...(getToken ? { getToken } : {}),
  })
  if (session === null) return <div className="tandem-root tandem-loading" data-testid="editor-loading" />
  return <SessionEditor {...props} session={session} />
}

function SessionEditor(props: CollaborativeEditorProps & { session: CollabSession }) {
  const { session, showTitle = false, showStatusBar = true, onStatus } = props
  const role = useMemo(() => readTokenClaims(props.token)?.role, [props.token])
  const readOnly = props.readOnly === true || role === 'viewer'
  const user = useMemo(
    () => ({
      id: props.user.id,
      name: props.user.name,
      color: props.user.color ?? colorForUser(props.user.id),
    }),
    [props.user.id, props.user.name, props.user.color],
  )
  const connection = useConnectionState(session)
  const save = useSaveState(session)
  const presence = usePresence(session, user.id)
  const stopped = connection.status === 'stopped' ? connection.reason : null
  // Hosts often pass an inline callback; report on status changes, not on host re-renders.
  const editorRef = useRef<LexicalEditor | null>(null)
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

  return (
    <div className="tandem-root" data-testid="collaborative-editor">
      {showTitle && (
        <TitleField
          doc={session.doc}
          onEnter={() => editorRef.current && focusDocumentStart(editorRef.current)}
          readOnly={readOnly || stopped !== null}
        />
      )}
      {stopped !== null && <StopBanner reason={stopped} />}
      <EditorView
        editorRef={editorRef}
        fixedColor={props.user.color !== undefined}
        frozen={stopped !== null}
        readOnly={readOnly}
        session={session}
        user={user}
      />
      {showStatusBar && (
        <div className="tandem-status-bar">
          <ConnectionIndicator session={session} showSaveState={!readOnly} />
          <PresenceList localUserId={user.id} session={session} />
        </div>
      )}
    </div>
  )
}
