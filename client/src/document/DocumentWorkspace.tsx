/** The editor page once a token is in hand: header (title, presence, status, share) and the editor. */
import { CLOSE_CODES, type Role } from '@tandem/shared'
import type { LexicalEditor } from 'lexical'
import { useEffect, useMemo, useRef, useState } from 'react'
import { ErrorPanel } from '../app/ErrorPanel'
import { ThemeToggle } from '../app/ThemeToggle'
import type { Navigate } from '../app/useLocation'
import { clearLocalCopy } from '../collab/LocalCopy'
import { toHttpBase } from '../collab/serverUrls'
import { useCollabSession } from '../collab/useCollabSession'
import { useConnectionState, useSaveState } from '../collab/useSessionState'
import { ConnectionIndicator } from '../editor/ConnectionIndicator'
import { EditorView } from '../editor/EditorView'
import { focusDocumentStart } from '../editor/focusDocumentStart'
import { PresenceList } from '../editor/PresenceList'
import { StopBanner } from '../editor/StopBanner'
import { describeStop } from '../editor/statusText'
import { TitleField, useSharedTitle } from '../editor/TitleField'
import { forgetDocument, updateRecentTitle } from '../home/recentDocuments'
import type { Identity } from '../identity/identity'
import { browserStorage } from '../storage/browserStorage'
import { forgetSession } from './cachedSession'
import { ShareDialog } from './ShareDialog'
import { createShareKeyTokenSource } from './useTokenExchange'
import { useUnloadWarning } from './useUnloadWarning'

export interface DocumentWorkspaceProps {
  documentId: string
  shareKey: string
  role: Role
  token: string
  identity: Identity & { name: string }
  navigate: Navigate
  /** Focus the document once it has loaded: the person just answered the name prompt. */
  focusEditor?: boolean
}

/**
 * Forgets what this browser keeps of a document whose link was refused: its local copy and its last
 * token. Edits only in the copy are lost with it; with access gone they could never be saved, and a
 * revoked document should not stay readable on a shared computer.
 */
export function forgetLocalDocument(documentId: string): void {
  forgetSession(browserStorage(), documentId)
  void clearLocalCopy(toHttpBase('', window.location.href), documentId).catch(() => {})
}

export function DocumentWorkspace(props: DocumentWorkspaceProps) {
  const { documentId, shareKey, identity } = props
  const getToken = useMemo(
    () => createShareKeyTokenSource({ documentId, shareKey, name: identity.name }),
    [documentId, shareKey, identity.name],
  )
  // Editors keep the document in the browser; viewers have nothing the server lacks.
  const session = useCollabSession({
    serverUrl: '',
    room: documentId,
    token: props.token,
    getToken,
    localCopy: props.role === 'editor',
  })
  if (session === null) return <main className="page" />
  return <Workspace {...props} session={session} />
}

function Workspace(
  props: DocumentWorkspaceProps & { session: NonNullable<ReturnType<typeof useCollabSession>> },
) {
  const { session, documentId, identity, role, navigate } = props
  const readOnly = role === 'viewer'
  const connection = useConnectionState(session)
  const save = useSaveState(session)
  const title = useSharedTitle(session.doc)
  const [sharing, setSharing] = useState(false)
  const shareButtonRef = useRef<HTMLButtonElement>(null)
  const editorRef = useRef<LexicalEditor | null>(null)
  const user = useMemo(
    () => ({ id: identity.userId, name: identity.name, color: identity.color }),
    [identity.userId, identity.name, identity.color],
  )
  useUnloadWarning(!readOnly && save.unsavedChanges > 0)

  useEffect(() => {
    document.title = `${title.trim() || 'Untitled'} · Tandem`
    updateRecentTitle(browserStorage(), documentId, title)
  }, [title, documentId])
  useEffect(
    () => () => {
      document.title = 'Tandem'
    },
    [],
  )

  const stopped = connection.status === 'stopped' ? connection.reason : null
  const revoked =
    stopped !== null &&
    (stopped.kind === 'access-denied' ||
      (stopped.kind === 'closed' && stopped.code === CLOSE_CODES.FORBIDDEN.code))
  useEffect(() => {
    if (!revoked) return
    forgetSession(browserStorage(), documentId)
    void session.clearLocalCopy().catch(() => {})
  }, [revoked, session, documentId])
  if (stopped !== null && revoked) {
    const { title: errorTitle, message } = describeStop(stopped)
    return (
      <main className="page page-centered">
        <ErrorPanel
          actions={[
            { label: 'Go to the home page', onClick: () => navigate('/'), primary: true },
            {
              label: 'Remove from recent documents',
              onClick: () => {
                forgetDocument(browserStorage(), documentId)
                navigate('/')
              },
            },
          ]}
          kind="invalid-link"
          message={message}
          title={errorTitle}
        />
      </main>
    )
  }

  return (
    <div className="document-page" data-role={role}>
      <header className="document-header">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          <span aria-hidden="true" className="brand-mark">
            T
          </span>
          <span className="visually-hidden-sm">Tandem</span>
        </a>
        <TitleField
          doc={session.doc}
          onEnter={() => editorRef.current && focusDocumentStart(editorRef.current)}
          readOnly={readOnly || stopped !== null}
        />
        {readOnly && (
          <span className="badge" data-testid="view-only-badge">
            View only
          </span>
        )}
        <div className="header-spacer" />
        <PresenceList localUserId={identity.userId} session={session} />
        <ConnectionIndicator session={session} showSaveState={!readOnly} />
        <ThemeToggle />
        <button
          className="tandem-button tandem-button-primary"
          data-testid="share-button"
          onClick={() => setSharing(true)}
          ref={shareButtonRef}
          type="button"
        >
          Share
        </button>
      </header>
      {stopped !== null && <StopBanner onReload={() => window.location.reload()} reason={stopped} />}
      <main className="document-main">
        <div className="paper">
          <EditorView
            editorRef={editorRef}
            focusWhenSynced={props.focusEditor === true && !readOnly}
            frozen={stopped !== null}
            readOnly={readOnly}
            session={session}
            user={user}
          />
        </div>
      </main>
      {sharing && (
        <ShareDialog
          documentId={documentId}
          onClose={() => setSharing(false)}
          returnFocusTo={shareButtonRef}
          role={role}
          shareKey={props.shareKey}
          userName={identity.name}
        />
      )}
    </div>
  )
}
