/**
 * The whole integration: one component and its stylesheet. This demo reads the server, room and
 * token from the page's query (`?server=&room=&token=&name=`); a real app gets the token from its
 * own backend, which mints it with TANDEM_SECRET (see @tandem/server-sdk's mintToken).
 */
import { CollaborativeEditor, type EditorStatus } from '@tandem/editor'
import '@tandem/editor/style.css'
import { useState } from 'react'
import { createRoot } from 'react-dom/client'

const query = new URLSearchParams(location.search)

function App() {
  const [status, setStatus] = useState<EditorStatus | null>(null)
  return (
    <main style={{ maxWidth: 760, margin: '2rem auto', fontFamily: 'system-ui, sans-serif' }}>
      <h1 style={{ fontSize: '1.25rem' }}>Notes (Vite + React)</h1>
      <p data-testid="example-status">
        {status === null ? 'starting' : status.synced ? 'synced' : status.connection}
      </p>
      <CollaborativeEditor
        serverUrl={query.get('server') ?? ''}
        room={query.get('room') ?? 'example'}
        token={query.get('token') ?? ''}
        user={{ id: query.get('user') ?? 'vite-user', name: query.get('name') ?? 'Vite user' }}
        showTitle
        onStatus={setStatus}
      />
    </main>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
