/**
 * The editor page once a token is in hand: the app's own layout (header with title, presence, status
 * and share; the share dialog) around the public CollaborativeEditor, so the app and embeds share one
 * editor composition.
 */
import { commentsRoomName, type Role } from '@tandem/shared'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ErrorPanel } from '../app/ErrorPanel'
import { ThemeToggle } from '../app/ThemeToggle'
import type { Navigate } from '../app/useLocation'
import { useMediaQuery } from '../app/useMediaQuery'
import { isAccessRevoked } from '../collab/ConnectionController'
import { clearLocalCopy } from '../collab/LocalCopy'
import { toHttpBase } from '../collab/serverUrls'
import { useSaveState } from '../collab/useSessionState'
import { CollaborativeEditor, type EditorParts } from '../editor/CollaborativeEditor'
import { HistoryIcon } from '../editor/icons'
import { describeStop } from '../editor/statusText'
import { useSharedTitle } from '../editor/TitleField'
import { HistoryPanel } from '../history/HistoryPanel'
import { isHistoryShortcut } from '../history/historyShortcut'
import { forgetDocument, updateRecentTitle } from '../home/recentDocuments'
import type { Identity } from '../identity/identity'
import { browserStorage } from '../storage/browserStorage'
import { forgetSession } from './cachedSession'
import { DocumentMenu } from './DocumentMenu'
import { OUTLINE_BESIDE_PAPER_QUERY, OutlineSlot } from './OutlineSlot'
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
  const httpBase = toHttpBase('', window.location.href)
  void clearLocalCopy(httpBase, documentId).catch(() => {})
  void clearLocalCopy(httpBase, commentsRoomName(documentId)).catch(() => {})
}

export function DocumentWorkspace(props: DocumentWorkspaceProps) {
  const { documentId, shareKey, identity, role } = props
  const getToken = useMemo(
    () => createShareKeyTokenSource({ documentId, shareKey, name: identity.name }),
    [documentId, shareKey, identity.name],
  )
  // No colour: the one derived from the id, yielding to a peer who already wears it (roomColor.ts).
  const user = useMemo(() => ({ id: identity.userId, name: identity.name }), [identity.userId, identity.name])
  return (
    <CollaborativeEditor
      comments
      // The page is all editor: Ctrl/Cmd+F anywhere finds in the document.
      findShortcut="page"
      focusWhenSynced={props.focusEditor === true}
      getToken={getToken}
      layout={(parts) => <DocumentLayout {...props} parts={parts} />}
      // Editors keep the document in the browser; viewers have nothing the server lacks.
      localCopy
      onReload={() => window.location.reload()}
      placeholder={<main className="page" />}
      readOnly={role !== 'editor'}
      room={documentId}
      serverUrl=""
      token={props.token}
      user={user}
    />
  )
}

/** The app's page around the editor: header (title, presence, status, theme, share) and share dialog. */
function DocumentLayout(props: DocumentWorkspaceProps & { parts: EditorParts }) {
  const { parts, documentId, identity, role, navigate } = props
  const { session, readOnly, stopReason: stopped } = parts
  const save = useSaveState(session)
  const title = useSharedTitle(session.doc)
  const [sharing, setSharing] = useState(false)
  const [showingHistory, setShowingHistory] = useState(false)
  const shareButtonRef = useRef<HTMLButtonElement>(null)
  const historyButtonRef = useRef<HTMLButtonElement>(null)
  const closeHistory = useCallback(() => setShowingHistory(false), [])
  // Below OUTLINE_BESIDE_PAPER_QUERY the outline is a drawer, opened from the actions menu.
  const outlineBesidePaper = useMediaQuery(OUTLINE_BESIDE_PAPER_QUERY)
  const [outlineOpen, setOutlineOpen] = useState(false)
  const headerRef = useRef<HTMLElement>(null)
  const closeOutline = useCallback((returnFocus: boolean) => {
    setOutlineOpen(false)
    if (returnFocus)
      headerRef.current?.querySelector<HTMLElement>('[data-testid="document-menu-button"]')?.focus()
  }, [])
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

  // Ctrl/Cmd+Alt+Shift+H opens or closes the history from anywhere on the page.
  useEffect(() => {
    const toggleOnShortcut = (event: KeyboardEvent) => {
      if (!isHistoryShortcut(event)) return
      event.preventDefault()
      setShowingHistory((showing) => !showing)
    }
    window.addEventListener('keydown', toggleOnShortcut)
    return () => window.removeEventListener('keydown', toggleOnShortcut)
  }, [])

  // The editor deletes the local copy; the app also forgets the token it cached for offline opening.
  const revoked = stopped !== null && isAccessRevoked(stopped)
  useEffect(() => {
    if (revoked) forgetSession(browserStorage(), documentId)
  }, [revoked, documentId])
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
      <header className="document-header" ref={headerRef}>
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
        {parts.title}
        {readOnly && (
          <span className="badge" data-testid="view-only-badge">
            {role === 'commenter' ? 'Can comment' : 'View only'}
          </span>
        )}
        <div className="header-spacer" />
        {parts.presence}
        {parts.connection}
        <ThemeToggle />
        <button
          aria-label="Version history (Ctrl+Alt+Shift+H)"
          className="tandem-button tandem-icon-button history-button"
          data-testid="history-button"
          onClick={() => setShowingHistory(true)}
          ref={historyButtonRef}
          title="Version history (Ctrl/Cmd+Alt+Shift+H)"
          type="button"
        >
          <HistoryIcon />
        </button>
        <DocumentMenu
          editorRef={parts.editorRef}
          navigate={navigate}
          onShowHistory={() => setShowingHistory(true)}
          onShowOutline={outlineBesidePaper ? undefined : () => setOutlineOpen(true)}
          readComments={parts.readComments}
          title={title}
          userName={identity.name}
        />
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
      {parts.banner}
      <main className="document-main">
        <OutlineSlot
          drawerOpen={outlineOpen && !outlineBesidePaper}
          onCloseDrawer={closeOutline}
          outline={parts.outline}
        />
        <div className="paper">
          {/* The header is not printed; the printout starts with the title. */}
          <h1 className="print-title">{title.trim() || 'Untitled'}</h1>
          {parts.editor}
        </div>
        {parts.comments}
      </main>
      {showingHistory && (
        <HistoryPanel
          documentId={documentId}
          onClose={closeHistory}
          returnFocusTo={historyButtonRef}
          shareKey={props.shareKey}
        />
      )}
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
