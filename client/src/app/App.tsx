/** The Tandem web app: picks the page for the current URL. */
import { lazy, Suspense } from 'react'
import { HomePage } from '../home/HomePage'
import { ErrorPanel } from './ErrorPanel'
import { parseRoute } from './route'
import { useLocation } from './useLocation'

// The editor pages carry Lexical and Yjs; the home page loads without them.
const DocumentPage = lazy(() =>
  import('../document/DocumentPage').then((module) => ({ default: module.DocumentPage })),
)
const EmbedPage = lazy(() => import('../embed/EmbedPage').then((module) => ({ default: module.EmbedPage })))

export function App() {
  const { location, navigate } = useLocation()
  const route = parseRoute(location)
  switch (route.page) {
    case 'home':
      return <HomePage navigate={navigate} />
    case 'document':
      return (
        <Suspense fallback={<PageLoading />}>
          {/* A new key remounts the page: a different link may carry a different role. */}
          <DocumentPage
            documentId={route.documentId}
            key={`${route.documentId}#${route.shareKey ?? ''}`}
            navigate={navigate}
            shareKey={route.shareKey}
          />
        </Suspense>
      )
    case 'embed':
      return (
        <Suspense fallback={<PageLoading />}>
          <EmbedPage
            localCopy={route.localCopy}
            readOnly={route.readOnly}
            room={route.room}
            token={route.token}
          />
        </Suspense>
      )
    case 'not-found':
      return (
        <main className="page page-centered">
          <ErrorPanel
            actions={[{ label: 'Go to the home page', onClick: () => navigate('/') }]}
            kind="not-found"
            message="There is nothing at this address. Check the link, or start a new document."
            title="Page not found"
          />
        </main>
      )
  }
}

function PageLoading() {
  return (
    <main className="page page-centered">
      <div className="loading" data-testid="page-loading" role="status">
        Loading…
      </div>
    </main>
  )
}
