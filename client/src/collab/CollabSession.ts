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
import { ConcurrentMoveDedupe } from './ConcurrentMoveDedupe'
import { ConcurrentTextRescue } from './ConcurrentTextRescue'
import { ConnectionController, type ControllerEnvironment, type TokenSource } from './ConnectionController'
import { openLocalCopy } from './LocalCopy'
import { createPluginAwareness } from './pluginAwareness'
import { createPluginProvider } from './pluginProvider'
import { registerPresenceOnReconnect, registerPresenceRestoreOnStay } from './presenceLifecycle'
import { SavedTracker } from './SavedTracker'
import { sendOwnPresenceOnly } from './sendOwnPresenceOnly'
import { toHttpBase, toWebSocketBase, WEBSOCKET_PATH } from './serverUrls'

export interface CollabSessionOptions {
  /** Tandem server URL (http(s) or ws(s)); empty = the page's origin. */
  serverUrl: string
  room: string
  token: string
  getToken?: TokenSource
  /** Base for resolving a relative `serverUrl`; defaults to the page URL. */
  pageUrl?: string
  /**
   * Keep the document in this browser (IndexedDB) so edits survive a closed tab and the document
   * opens without a network. Default false. Turn it off for people who cannot edit: they have nothing
   * the server lacks, and a copy of theirs must never push edits.
   */
  localCopy?: boolean
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
  /** Deletes this document's copy in the browser (access was revoked); a no-op without one. */
  clearLocalCopy(): Promise<void>
  /** Disconnects and frees the provider, the Y.Doc and their timers. */
  destroy(): void
}

/** The upgrade probe (docs/protocol.md): the HTTP status a plain GET of the socket URL gets, or null. */
async function probeUpgrade(httpBase: string, room: string, token: string): Promise<number | null> {
  try {
    const url = `${httpBase}${WEBSOCKET_PATH}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit' })
    return response.status
  } catch {
    return null
  }
}

/** Creates a session without connecting; the collaboration plugin connects it through the factory. */
export function createCollabSession(options: CollabSessionOptions): CollabSession {
  const pageUrl = options.pageUrl ?? globalThis.location?.href ?? 'http://localhost/'
  const doc = new Y.Doc()
  const localCopy = options.localCopy
    ? openLocalCopy(doc, toHttpBase(options.serverUrl, pageUrl), options.room)
    : null
  const provider = new WebsocketProvider(toWebSocketBase(options.serverUrl, pageUrl), options.room, doc, {
    connect: false,
    // Tandem extension: ask the server for SAVED acknowledgements (stock servers ignore the flag).
    params: { token: options.token, [SAVED_ACK_PARAM]: '1' },
    // Tabs must sync through the server, never around it.
    disableBc: true,
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
  })
  const httpBase = toHttpBase(options.serverUrl, pageUrl)
  const connection = new ConnectionController({
    provider,
    token: options.token,
    probeUpgrade: (token) => probeUpgrade(httpBase, options.room, token),
    ...(options.getToken ? { getToken: options.getToken } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  })
  const saved = new SavedTracker({
    doc,
    // Updates loaded from the local copy were counted (and stored) when they were made.
    isRemoteOrigin: (origin) => origin === provider || (localCopy?.isOrigin(origin) ?? false),
    isSending: () => provider.wsconnected,
  })
  provider.messageHandlers[MESSAGE_TYPE.SAVED] = (_encoder, decoder) => {
    const stateVector = readSavedMessage(decoder)
    saved.handleAck(stateVector)
    if (copyLoaded) localCopy?.rememberSaved(stateVector, saved.state.get().unsavedChanges)
  }
  // The count of unconfirmed changes is kept with the copy, so a reload can say how many are only here.
  let copyLoaded = false
  let destroyed = false
  let unwatchSaved = () => {}
  localCopy?.loaded.then(
    (load) => {
      if (destroyed) return
      copyLoaded = true
      saved.handleLocalCopyLoaded(load)
      unwatchSaved = saved.state.subscribe(() => localCopy.rememberPending(saved.state.get().unsavedChanges))
    },
    // No IndexedDB (private mode, a sandboxed frame): the session works as without a copy.
    () => {},
  )
  // The rescue reads each incoming update's delete set before y-websocket applies it.
  const rescue = new ConcurrentTextRescue({
    doc,
    root: doc.get(LEXICAL_ROOT_NAME, Y.XmlElement),
    isRemote: (origin) => origin === provider,
  })
  // Removes our copy of blocks someone moved (merged, converted) at the same time as we did.
  const dedupe = new ConcurrentMoveDedupe({ doc, isRemote: (origin) => origin === provider })
  const handleSyncMessage = provider.messageHandlers[MESSAGE_TYPE.SYNC]!
  provider.messageHandlers[MESSAGE_TYPE.SYNC] = (encoder, decoder, ...rest) => {
    const update = peekSyncUpdate(decoder)
    if (update !== null) {
      rescue.noteIncomingUpdate(update)
      dedupe.noteIncomingUpdate(update)
    }
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

  const stopOwnPresenceOnly = sendOwnPresenceOnly(provider)
  const pluginAwareness = createPluginAwareness(provider.awareness)
  const pluginProvider = createPluginProvider(provider, connection, pluginAwareness)
  return {
    doc,
    provider,
    awareness: provider.awareness,
    connection,
    saved,
    pluginProvider,
    clearLocalCopy: () => localCopy?.clear() ?? Promise.resolve(),
    destroy() {
      destroyed = true
      unwatchSaved()
      localCopy?.destroy()
      connection.destroy()
      provider.off('sync', handleSync)
      provider.off('connection-close', handleClose)
      for (const unregister of unregisterPresence) unregister()
      saved.destroy()
      rescue.destroy()
      dedupe.destroy()
      pluginAwareness.destroy()
      stopOwnPresenceOnly()
      provider.destroy()
      // Also destroys the awareness instance and its renewal timer.
      doc.destroy()
    },
  }
}
