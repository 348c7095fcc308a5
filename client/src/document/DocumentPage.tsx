/** `/d/<id>#key=...`: resolves the share key and a name, exchanges them for a token, then opens the editor. */
import { HTTP_STATUS, shareLinkPath } from '@tandem/shared'
import { useEffect, useMemo, useState } from 'react'
import { type ApiError, NETWORK_FAILURE_STATUS } from '../api/apiClient'
import { ErrorPanel } from '../app/ErrorPanel'
import type { Navigate } from '../app/useLocation'
import { useNow } from '../editor/useNow'
import { findRecentDocument, forgetDocument, rememberDocument } from '../home/recentDocuments'
import { useIdentity } from '../identity/useIdentity'
import { browserStorage } from '../storage/browserStorage'
import { DocumentWorkspace, forgetLocalDocument } from './DocumentWorkspace'
import { NamePrompt } from './NamePrompt'
import { useTokenExchange } from './useTokenExchange'

export interface DocumentPageProps {
  documentId: string
  shareKey: string | null
  navigate: Navigate
}

export function DocumentPage({ documentId, shareKey, navigate }: DocumentPageProps) {
  const { identity, setName } = useIdentity()
  // Like Google Docs: someone who just typed their name carries on typing in the document.
  const [answeredNamePrompt, setAnsweredNamePrompt] = useState(false)
  // A link without its key (e.g. typed by hand): reuse a key this browser already knows.
  const knownPath = useMemo(() => {
    if (shareKey !== null) return null
    const links = findRecentDocument(browserStorage(), documentId)?.links
    return links?.editor ?? links?.viewer ?? null
  }, [documentId, shareKey])
  useEffect(() => {
    if (knownPath !== null) navigate(knownPath, { replace: true })
  }, [knownPath, navigate])

  const request =
    shareKey !== null && identity.name !== null ? { documentId, shareKey, name: identity.name } : null
  const { state, retry } = useTokenExchange(request)
  const now = useNow(250, state.phase === 'failed' && state.retryAtMs !== null)

  // A refused link (revoked key, deleted document) also takes the document's copy in this browser.
  const refused = state.phase === 'failed' && isRefusal(state.error)
  useEffect(() => {
    if (refused) forgetLocalDocument(documentId)
  }, [refused, documentId])

  useEffect(() => {
    if (state.phase !== 'ready' || shareKey === null) return
    rememberDocument(browserStorage(), {
      id: documentId,
      links: { [state.role]: shareLinkPath(documentId, shareKey) },
      openedAt: Date.now(),
    })
  }, [state, documentId, shareKey])

  if (shareKey === null) {
    if (knownPath !== null) return <main className="page" />
    return (
      <main className="page page-centered">
        <ErrorPanel
          actions={[{ label: 'Go to the home page', onClick: () => navigate('/') }]}
          kind="missing-key"
          message="This link is missing its access key (the part after #key=). Copy the whole link again."
          title="This link is incomplete"
        />
      </main>
    )
  }
  if (identity.name === null) {
    return (
      <main className="page">
        <NamePrompt
          onSubmit={(name) => {
            setAnsweredNamePrompt(true)
            setName(name)
          }}
        />
      </main>
    )
  }
  switch (state.phase) {
    case 'pending':
      return (
        <main className="page page-centered">
          <div className="loading" data-testid="document-loading" role="status">
            Opening document…
          </div>
        </main>
      )
    case 'failed':
      return (
        <main className="page page-centered">
          <ExchangeError
            error={state.error}
            onForget={() => {
              forgetDocument(browserStorage(), documentId)
              navigate('/')
            }}
            onHome={() => navigate('/')}
            onRetry={retry}
            secondsLeft={
              state.retryAtMs === null ? null : Math.max(0, Math.ceil((state.retryAtMs - now) / 1000))
            }
          />
        </main>
      )
    case 'ready':
      return (
        <DocumentWorkspace
          documentId={documentId}
          focusEditor={answeredNamePrompt}
          identity={{ ...identity, name: identity.name }}
          navigate={navigate}
          role={state.role}
          shareKey={shareKey}
          token={state.token}
        />
      )
  }
}

function isRefusal(error: ApiError): boolean {
  return (
    error.status === HTTP_STATUS.FORBIDDEN ||
    error.status === HTTP_STATUS.NOT_FOUND ||
    error.status === HTTP_STATUS.BAD_REQUEST
  )
}

function ExchangeError(props: {
  error: ApiError
  secondsLeft: number | null
  onRetry: () => void
  onHome: () => void
  onForget: () => void
}) {
  const { error, secondsLeft } = props
  const retryDetail = secondsLeft === null ? undefined : `Trying again in ${secondsLeft} s.`
  if (isRefusal(error)) {
    return (
      <ErrorPanel
        actions={[
          { label: 'Go to the home page', onClick: props.onHome, primary: true },
          { label: 'Remove from recent documents', onClick: props.onForget },
        ]}
        kind="invalid-link"
        message="The link is wrong, it was revoked, or the document was deleted. Ask the person who shared it for a new link."
        title="This link is invalid or has been revoked"
      />
    )
  }
  if (error.status === HTTP_STATUS.TOO_MANY_REQUESTS) {
    return (
      <ErrorPanel
        actions={[{ label: 'Try again', onClick: props.onRetry, primary: true }]}
        kind="rate-limited"
        message="Too many attempts from this network. Wait a moment; Tandem tries again on its own."
        title="Slow down a little"
        {...(retryDetail ? { detail: retryDetail } : {})}
      />
    )
  }
  if (error.status === NETWORK_FAILURE_STATUS || error.status >= HTTP_STATUS.INTERNAL_ERROR) {
    return (
      <ErrorPanel
        actions={[{ label: 'Try again', onClick: props.onRetry, primary: true }]}
        kind="unreachable"
        message="Tandem cannot reach its server. Check your connection; the document opens as soon as the server answers."
        title="The server cannot be reached"
        {...(retryDetail ? { detail: retryDetail } : {})}
      />
    )
  }
  return (
    <ErrorPanel
      actions={[
        { label: 'Try again', onClick: props.onRetry, primary: true },
        { label: 'Go to the home page', onClick: props.onHome },
      ]}
      kind="request-failed"
      message={error.message}
      title="The document could not be opened"
    />
  )
}
