/** One open document: its Y.Doc, the y-websocket provider, the connection controller and save tracking. */
import type { Provider } from '@lexical/yjs'
import {
  LEXICAL_ROOT_NAME,
  MESSAGE_TYPE,
  peekSyncUpdate,
  readSavedMessage,
  SAVED_ACK_PARAM,
} from '@tandem/shared'
import type { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { ConcurrentTextRescue } from './ConcurrentTextRescue'
import { ConnectionController, type ControllerEnvironment, type TokenSource } from './ConnectionController'
import { createPluginProvider } from './pluginProvider'
import { registerPresenceOnReconnect, registerPresenceRestoreOnStay } from './presenceLifecycle'
import { SavedTracker } from './SavedTracker'
import { toWebSocketBase } from './serverUrls'

export interface CollabSessionOptions {
  /** Tandem server URL (http(s) or ws(s)); empty = the page's origin. */
  serverUrl: string
  room: string
  token: string
  getToken?: TokenSource
  /** Base for resolving a relative `serverUrl`; defaults to the page URL. */
  pageUrl?: string
  /** For Node tests: a WebSocket implementation. */
  WebSocketPolyfill?: typeof WebSocket
  environment?: ControllerEnvironment
}

export interface CollabSession {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly awareness: Awareness
  readonly connection: ConnectionController
  readonly saved: SavedTracker
  /** The provider as the collaboration plugin sees it; stable for the session's lifetime. */
  readonly pluginProvider: Provider
  /** Disconnects and frees the provider, the Y.Doc and their timers. */
  destroy(): void
}

/** Creates a session without connecting; the collaboration plugin connects it through the factory. */
export function createCollabSession(options: CollabSessionOptions): CollabSession {
  const pageUrl = options.pageUrl ?? globalThis.location?.href ?? 'http://localhost/'
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(toWebSocketBase(options.serverUrl, pageUrl), options.room, doc, {
    connect: false,
    // Tandem extension: ask the server for SAVED acknowledgements (stock servers ignore the flag).
    params: { token: options.token, [SAVED_ACK_PARAM]: '1' },
    // Tabs must sync through the server, never around it.
    disableBc: true,
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
  })
  const connection = new ConnectionController({
    provider,
    token: options.token,
    ...(options.getToken ? { getToken: options.getToken } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  })
  const saved = new SavedTracker({
    doc,
    isRemoteOrigin: (origin) => origin === provider,
    isSending: () => provider.wsconnected,
  })
  provider.messageHandlers[MESSAGE_TYPE.SAVED] = (_encoder, decoder) => {
    saved.handleAck(readSavedMessage(decoder))
  }
  // The rescue reads each incoming update's delete set before y-websocket applies it.
  const rescue = new ConcurrentTextRescue({
    doc,
    root: doc.get(LEXICAL_ROOT_NAME, Y.XmlElement),
    isRemote: (origin) => origin === provider,
  })
  const handleSyncMessage = provider.messageHandlers[MESSAGE_TYPE.SYNC]!
  provider.messageHandlers[MESSAGE_TYPE.SYNC] = (encoder, decoder, ...rest) => {
    const update = peekSyncUpdate(decoder)
    if (update !== null) rescue.noteIncomingUpdate(update)
    handleSyncMessage(encoder, decoder, ...rest)
  }
  const handleSync = (synced: boolean) => {
    if (synced) saved.handleSynced()
  }
  const handleClose = () => saved.handleDisconnected()
  provider.on('sync', handleSync)
  provider.on('connection-close', handleClose)
  const unregisterPresence = [registerPresenceOnReconnect(provider, provider.awareness)]
  if (typeof window !== 'undefined') {
    unregisterPresence.push(registerPresenceRestoreOnStay(window, provider.awareness))
  }

  const pluginProvider = createPluginProvider(provider, connection)
  return {
    doc,
    provider,
    awareness: provider.awareness,
    connection,
    saved,
    pluginProvider,
    destroy() {
      connection.destroy()
      provider.off('sync', handleSync)
      provider.off('connection-close', handleClose)
      for (const unregister of unregisterPresence) unregister()
      saved.destroy()
      rescue.destroy()
      provider.destroy()
      // Also destroys the awareness instance and its renewal timer.
      doc.destroy()
    },
  }
}
