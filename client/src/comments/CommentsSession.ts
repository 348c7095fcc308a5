/**
 * A document's comment threads: their own Y.Doc, synced over `/ws/<room>/comments` with the
 * document's token (docs/protocol.md, "Comments"), kept in the browser like the text when the
 * document is (so comments made offline survive a reload), and connected while the document's own
 * connection runs. The server refuses what breaks its rules with 4400/4413: the session then stops
 * rather than resend the refused change forever. After a 4400 (a change this copy holds is refused)
 * it also deletes its copy in this browser and says so ('dropped'), so a fresh session
 * (useCommentsSession) syncs the server's threads instead of resending the change on every reload.
 */
import { CLOSE_CODES, COMMENT_LIMITS, commentsRoomName, notePerson } from '@tandem/shared'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ConnectionController } from '../collab/ConnectionController'
import { openLocalCopy } from '../collab/LocalCopy'
import { toHttpBase, toWebSocketBase } from '../collab/serverUrls'
import { readTokenClaims } from '../collab/tokenClaims'
import { createValueStore, type ValueStore } from '../collab/valueStore'

/** Who writes from this session, as the server will check it: the token's subject and name. */
export interface CommentsAuthor {
  readonly id: string
  readonly name: string
}

/**
 * `refused`: the server refused this session for good (4403, 4404, 4413). `dropped`: it refused a
 * change this copy holds (4400); the copy in this browser is deleted, replace the session.
 */
export type CommentsStatus = 'connecting' | 'synced' | 'offline' | 'refused' | 'dropped'

export interface CommentsSession {
  readonly doc: Y.Doc
  readonly status: ValueStore<CommentsStatus>
  /** The token's identity now (a refreshed token keeps it: see identity/deviceSecret.ts). */
  author(): CommentsAuthor | null
  /** Deletes the threads' copy in this browser (access was revoked); a no-op without one. */
  clearLocalCopy(): Promise<void>
  destroy(): void
}

/** Close codes after which resending would only be refused again (4400 also drops the copy). */
const FINAL_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.DOCUMENT_TOO_LARGE.code,
  CLOSE_CODES.FORBIDDEN.code,
  CLOSE_CODES.DOCUMENT_DELETED.code,
]

export interface CommentsSessionOptions {
  readonly serverUrl: string
  readonly room: string
  /** The document's connection: its token, and whether it runs. */
  readonly connection: ConnectionController
  /** Keep the threads in this browser (editors and commenters of the app). */
  readonly localCopy: boolean
  readonly pageUrl?: string
}

export function createCommentsSession(options: CommentsSessionOptions): CommentsSession {
  const pageUrl = options.pageUrl ?? globalThis.location?.href ?? 'http://localhost/'
  const room = commentsRoomName(options.room)
  const doc = new Y.Doc()
  const status = createValueStore<CommentsStatus>('connecting')
  const localCopy = options.localCopy
    ? openLocalCopy(doc, toHttpBase(options.serverUrl, pageUrl), room)
    : null
  const provider = new WebsocketProvider(toWebSocketBase(options.serverUrl, pageUrl), room, doc, {
    connect: false,
    params: { token: options.connection.currentToken },
    disableBc: true,
  })
  const author = (): CommentsAuthor | null => {
    const claims = readTokenClaims(options.connection.currentToken)
    if (claims?.sub === undefined) return null
    return { id: claims.sub, name: claims.name ?? claims.sub }
  }
  let refused = false
  provider.on('sync', (synced: boolean) => {
    if (!synced) return
    status.set('synced')
    // Listed among the document's people (mention candidates); viewers' writes are dropped anyway.
    const me = author()
    const role = readTokenClaims(options.connection.currentToken)?.role
    if (me && role !== 'viewer') notePerson(doc, me, COMMENT_LIMITS.maxPeople)
  })
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (event && event.code === CLOSE_CODES.MALFORMED_MESSAGE.code) {
      // The refused change is in this doc and in the browser's copy: any resend is refused again.
      refused = true
      provider.disconnect()
      const cleared = localCopy?.clear() ?? Promise.resolve()
      void cleared.catch(() => {}).then(() => status.set('dropped'))
      return
    }
    if (event && FINAL_CLOSE_CODES.includes(event.code)) {
      refused = true
      provider.disconnect()
      status.set('refused')
      return
    }
    status.set('offline')
    // A refreshed token for the next attempt (the document's connection refreshes it).
    provider.params = { ...provider.params, token: options.connection.currentToken }
  })
  const follow = () => {
    const state = options.connection.state.get()
    if (refused) return
    if (state.status === 'connected' && !provider.wsconnected && !provider.wsconnecting) {
      provider.params = { ...provider.params, token: options.connection.currentToken }
      provider.connect()
    } else if (state.status === 'stopped') {
      provider.disconnect()
      status.set('offline')
    }
  }
  const unsubscribe = options.connection.state.subscribe(follow)
  follow()
  return {
    doc,
    status,
    author,
    clearLocalCopy: () => localCopy?.clear() ?? Promise.resolve(),
    destroy() {
      unsubscribe()
      localCopy?.destroy()
      provider.destroy()
      doc.destroy()
    },
  }
}
