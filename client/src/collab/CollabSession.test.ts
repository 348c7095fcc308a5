// @vitest-environment node
import { CLOSE_CODES } from '@tandem/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { startTestSyncServer, type TestSyncServer, waitFor } from '../testing/testSyncServer'
import { type CollabSession, createCollabSession } from './CollabSession'

let server: TestSyncServer
const sessions: CollabSession[] = []

beforeEach(async () => {
  server = await startTestSyncServer()
})

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy()
  await server.close()
})

function open(options: { token?: string; getToken?: () => Promise<string | null> } = {}) {
  const session = createCollabSession({
    serverUrl: server.url,
    room: 'room-1',
    token: options.token ?? 'token-1',
    ...(options.getToken ? { getToken: options.getToken } : {}),
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  })
  sessions.push(session)
  session.connection.start()
  return session
}

const isSynced = (session: CollabSession) => {
  const state = session.connection.state.get()
  return state.status === 'connected' && state.synced
}

describe('CollabSession against a real socket', () => {
  it('connects to /ws/<room> with the token and the saved flag, and syncs', async () => {
    server.doc.getText('title').insert(0, 'From the server')
    const session = open()
    await waitFor(() => isSynced(session), 5_000, 'sync')
    const [connection] = server.connections
    expect(connection?.url.pathname).toBe('/ws/room-1')
    expect(connection?.token).toBe('token-1')
    expect(connection?.url.searchParams.get('saved')).toBe('1')
    expect(session.doc.getText('title').toString()).toBe('From the server')
  })

  it('reports unsaved local edits until the server acknowledges them', async () => {
    const session = open()
    await waitFor(() => isSynced(session))
    server.acknowledge = false
    session.doc.getText('title').insert(0, 'abc')
    session.doc.getText('title').insert(3, 'd')
    expect(session.saved.state.get().unsavedChanges).toBe(2)
    await waitFor(() => server.doc.getText('title').toString() === 'abcd')
    expect(session.saved.state.get().unsavedChanges).toBe(2)
    server.acknowledge = true
    session.doc.getText('title').delete(0, 1)
    await waitFor(() => session.saved.state.get().unsavedChanges === 0, 5_000, 'all saved')
    expect(server.doc.getText('title').toString()).toBe('bcd')
  })

  it('keeps edits made while disconnected and sends them on reconnect', async () => {
    const session = open()
    await waitFor(() => isSynced(session))
    for (const { socket } of server.connections) socket.close(CLOSE_CODES.SERVICE_RESTART.code)
    await waitFor(() => session.connection.state.get().status === 'reconnecting')
    session.doc.getText('title').insert(0, 'offline edit')
    expect(session.saved.state.get().unsavedChanges).toBe(1)
    await waitFor(() => isSynced(session), 5_000, 'resync')
    await waitFor(() => server.doc.getText('title').toString() === 'offline edit')
    await waitFor(() => session.saved.state.get().unsavedChanges === 0)
  })

  it('gets a fresh token after 4401 and reconnects with it', async () => {
    server.closeOnOpen = (connection) => (connection.token === 'old' ? CLOSE_CODES.TOKEN_EXPIRED.code : null)
    const session = open({ token: 'old', getToken: async () => 'fresh' })
    await waitFor(() => isSynced(session), 8_000, 'sync with the fresh token')
    expect(server.connections.map((connection) => connection.token)).toEqual(['old', 'fresh'])
  })

  it('stops on 4403 and shows why', async () => {
    server.closeOnOpen = () => CLOSE_CODES.FORBIDDEN.code
    const session = open()
    await waitFor(() => session.connection.state.get().status === 'stopped')
    expect(session.connection.state.get()).toMatchObject({
      reason: { kind: 'closed', code: CLOSE_CODES.FORBIDDEN.code },
    })
    expect(server.connections).toHaveLength(1)
  })

  it('closes its socket when destroyed', async () => {
    const session = open()
    await waitFor(() => isSynced(session))
    expect(server.openSockets()).toBe(1)
    session.destroy()
    await waitFor(() => server.openSockets() === 0, 5_000, 'socket closed')
  })
})

describe('presence traffic', () => {
  /** One awareness update: `clientId` at `clock` with `state`. */
  function presenceOf(clientId: number, clock: number, state: object): Uint8Array {
    const peer = new Awareness(new Y.Doc())
    peer.clientID = clientId
    peer.meta.set(clientId, { clock, lastUpdated: Date.now() })
    peer.states.set(clientId, state)
    const update = encodeAwarenessUpdate(peer, [clientId])
    peer.destroy()
    return update
  }

  it("sends only this client's own presence, never an echo of others'", async () => {
    const session = open()
    await waitFor(() => isSynced(session))
    session.awareness.setLocalStateField('name', 'Ann')
    await waitFor(() => server.awarenessReceived.some((ids) => ids.includes(session.awareness.clientID)))
    for (let clock = 1; clock <= 20; clock++)
      server.sendAwareness(presenceOf(4242, clock, { name: 'Ben', n: clock }))
    await waitFor(() => session.awareness.getStates().get(4242)?.n === 20)
    // Our own change after the others': everything before it has been sent if it was going to be.
    session.awareness.setLocalStateField('name', 'Ann again')
    await waitFor(
      () => server.awarenessReceived.filter((ids) => ids.includes(session.awareness.clientID)).length >= 2,
    )
    expect(server.awarenessReceived.filter((ids) => ids.includes(4242))).toEqual([])
  })
})
