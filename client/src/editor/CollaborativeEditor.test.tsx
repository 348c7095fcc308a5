// @vitest-environment node
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'
import { startTestSyncServer, type TestSyncServer, waitFor } from '../testing/testSyncServer'
import type { EditorStatus } from './CollaborativeEditor'

// DOM globals must exist before React, Lexical and Testing Library load.
const removeJsdom = await installJsdom()
// jsdom's WebSocket (undici) trips over jsdom's own Event class in Node; use the `ws` client instead.
// Counting constructions catches a socket opened and closed again before the server ever saw it.
const { WebSocket: NodeWebSocket } = await import('ws')
let socketsCreated = 0
class CountingWebSocket extends NodeWebSocket {
  constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
    super(...args)
    socketsCreated++
  }
}
globalThis.WebSocket = CountingWebSocket as unknown as typeof globalThis.WebSocket
const { act, cleanup, render, screen } = await import('@testing-library/react')
const { StrictMode } = await import('react')
const { CollaborativeEditor } = await import('./CollaborativeEditor')

afterAll(() => removeJsdom())

let server: TestSyncServer

beforeEach(async () => {
  server = await startTestSyncServer()
  socketsCreated = 0
})

afterEach(async () => {
  cleanup()
  await server.close()
})

describe('CollaborativeEditor', () => {
  it('opens exactly one socket under StrictMode and closes it on unmount', async () => {
    const statuses: EditorStatus[] = []
    const view = render(
      <StrictMode>
        <CollaborativeEditor
          onStatus={(status) => statuses.push(status)}
          room="doc-1"
          serverUrl={server.url}
          token="t"
          user={{ id: 'u-1', name: 'Ada' }}
        />
      </StrictMode>,
    )
    await act(() => waitFor(() => statuses.some((status) => status.synced), 5_000, 'synced status'))
    // Give a second socket (if any) time to show up before counting.
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)))
    expect(socketsCreated).toBe(1)
    expect(server.connections).toHaveLength(1)
    expect(server.openSockets()).toBe(1)
    expect(screen.getByTestId('connection-status').dataset.status).toBe('connected')
    expect(screen.getByTestId('saved-status').textContent).toBe('All changes saved')
    const entries = screen.getAllByTestId('presence-entry')
    expect(entries.map((entry) => entry.dataset.name)).toEqual(['Ada'])
    expect(screen.getByTestId('toolbar')).toBeTruthy()
    view.unmount()
    await waitFor(() => server.openSockets() === 0, 5_000, 'socket closed after unmount')
  })

  it('hides the toolbar and makes the content read-only for viewers', async () => {
    render(
      <CollaborativeEditor
        readOnly
        room="doc-2"
        serverUrl={server.url}
        token="t"
        user={{ id: 'u-2', name: 'Bo' }}
      />,
    )
    await act(() => waitFor(() => server.openSockets() === 1))
    expect(screen.queryByTestId('toolbar')).toBeNull()
    expect(screen.getByTestId('editor-content').getAttribute('contenteditable')).toBe('false')
    expect(screen.queryByTestId('saved-status')).toBeNull()
  })

  it('places its parts in the host layout (as the web app does)', async () => {
    server.doc.getText('title').insert(0, 'Roadmap')
    render(
      <CollaborativeEditor
        layout={(parts) => (
          <div data-testid="host-page">
            <header data-testid="host-header">
              {parts.title}
              {parts.presence}
              {parts.connection}
            </header>
            <main data-testid="host-main">{parts.editor}</main>
          </div>
        )}
        placeholder={<p data-testid="host-placeholder" />}
        room="doc-4"
        serverUrl={server.url}
        token="t"
        user={{ id: 'u-4', name: 'Di' }}
      />,
    )
    await act(() => waitFor(() => server.openSockets() === 1))
    await act(() =>
      waitFor(() => (screen.queryByTestId('document-title') as HTMLInputElement | null)?.value === 'Roadmap'),
    )
    const header = screen.getByTestId('host-header')
    expect(header.querySelector('[data-testid="document-title"]')).not.toBeNull()
    expect(header.querySelector('[data-testid="connection-status"]')).not.toBeNull()
    expect(header.querySelectorAll('[data-testid="presence-entry"]')).toHaveLength(1)
    expect(screen.getByTestId('host-main').querySelector('[data-testid="toolbar"]')).not.toBeNull()
    expect(screen.queryByTestId('collaborative-editor')).toBeNull()
    expect(screen.queryByTestId('host-placeholder')).toBeNull()
  })

  it('shows the shared title when asked', async () => {
    server.doc.getText('title').insert(0, 'Quarterly plan')
    render(
      <CollaborativeEditor
        room="doc-3"
        serverUrl={server.url}
        showTitle
        token="t"
        user={{ id: 'u-3', name: 'Cy' }}
      />,
    )
    await act(() =>
      waitFor(
        () => (screen.queryByTestId('document-title') as HTMLInputElement | null)?.value === 'Quarterly plan',
      ),
    )
  })
})
