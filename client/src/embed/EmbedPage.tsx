/** `/embed/<room>?token=...`: the editor alone, for iframes (no app chrome). */
import { UNNAMED_PERSON_NAME } from '@tandem/shared'
import { useCallback, useMemo } from 'react'
import { ErrorPanel } from '../app/ErrorPanel'
import { readTokenClaims } from '../collab/tokenClaims'
import { CollaborativeEditor, type EditorStatus } from '../editor/CollaborativeEditor'
import { loadIdentity } from '../identity/identity'
import { browserStorage } from '../storage/browserStorage'
import { createParentTokenSource, postStatusToParent } from './parentBridge'

export interface EmbedPageProps {
  room: string
  token: string | null
  readOnly: boolean
  /** Keep the document in the browser (`?localCopy=1`). */
  localCopy: boolean
}

export function EmbedPage({ room, token, readOnly, localCopy }: EmbedPageProps) {
  const getToken = useMemo(() => createParentTokenSource(room), [room])
  const onStatus = useCallback((status: EditorStatus) => postStatusToParent(room, status), [room])
  const user = useMemo(() => {
    const claims = token === null ? undefined : readTokenClaims(token)
    // The host's user id from the token, so one person is one presence entry across embeds.
    const fallback = loadIdentity(browserStorage())
    return { id: claims?.sub ?? fallback.userId, name: claims?.name ?? fallback.name ?? UNNAMED_PERSON_NAME }
  }, [token])

  if (token === null) {
    return (
      <main className="embed-page page-centered">
        <ErrorPanel
          kind="missing-token"
          message="This embed needs a connection token: /embed/<room>?token=<token>. See docs/embedding.md."
          title="No access token"
        />
      </main>
    )
  }
  return (
    <main className="embed-page" data-testid="embed-page">
      <CollaborativeEditor
        localCopy={localCopy}
        onStatus={onStatus}
        readOnly={readOnly}
        room={room}
        serverUrl=""
        token={token}
        user={user}
        {...(getToken ? { getToken } : {})}
      />
    </main>
  )
}
