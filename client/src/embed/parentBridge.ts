/**
 * The iframe embed's message bridge to its host page: status out (`tandem:status`), fresh tokens in
 * (`tandem:token`, answering `tandem:token-request`).
 */
import type { TokenSource } from '../collab/ConnectionController'
import type { EditorStatus } from '../editor/CollaborativeEditor'

/** How long the iframe waits for the host to answer a token request. */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000

export type EmbedMessage =
  | { type: 'tandem:status'; room: string; status: EditorStatus }
  | { type: 'tandem:token-request'; room: string; reason: string }

/** Posts the editor status to the host page (any origin: it contains no secrets). */
export function postStatusToParent(room: string, status: EditorStatus): void {
  if (window.parent === window) return
  const message: EmbedMessage = { type: 'tandem:status', room, status }
  window.parent.postMessage(message, '*')
}

/**
 * A token source that asks the host page for a fresh token. The host answers with
 * `{ type: 'tandem:token', token }` (or `token: null` to deny); no answer counts as a transient failure.
 */
export function createParentTokenSource(room: string): TokenSource | undefined {
  if (window.parent === window) return undefined
  return (reason) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        window.removeEventListener('message', onMessage)
        reject(new Error('the host page did not answer the token request'))
      }, TOKEN_REQUEST_TIMEOUT_MS)
      const onMessage = (event: MessageEvent) => {
        if (event.source !== window.parent) return
        const data = event.data as { type?: unknown; token?: unknown } | null
        if (data === null || typeof data !== 'object' || data.type !== 'tandem:token') return
        clearTimeout(timer)
        window.removeEventListener('message', onMessage)
        resolve(typeof data.token === 'string' ? data.token : null)
      }
      window.addEventListener('message', onMessage)
      const request: EmbedMessage = { type: 'tandem:token-request', room, reason }
      window.parent.postMessage(request, '*')
    })
}
