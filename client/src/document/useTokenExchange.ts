/** Exchanges a share key for a connection token, retrying transient failures on a visible schedule. */
import type { Role } from '@tandem/shared'
import { useCallback, useEffect, useState } from 'react'
import { ApiError, exchangeShareKey, NETWORK_FAILURE_STATUS } from '../api/apiClient'
import { reconnectDelayMs } from '../collab/reconnectPolicy'
import { browserStorage } from '../storage/browserStorage'
import { findSession, rememberSession } from './cachedSession'

export type ExchangeState =
  | { phase: 'pending' }
  /** `cached`: the server could not be reached, so the token last exchanged in this browser is used. */
  | { phase: 'ready'; token: string; role: Role; cached: boolean }
  /** `retryAtMs` is set when a retry is scheduled (transient failures only). */
  | { phase: 'failed'; error: ApiError; retryAtMs: number | null }

export interface ExchangeRequest {
  documentId: string
  shareKey: string
  name: string
}

/** Runs the exchange once per request; `retry` runs it again now. */
export function useTokenExchange(request: ExchangeRequest | null): {
  state: ExchangeState
  retry: () => void
} {
  const [state, setState] = useState<ExchangeState>({ phase: 'pending' })
  /** Bumping `nonce` starts an attempt; `attempt` counts consecutive transient failures (for the delay). */
  const [trigger, setTrigger] = useState({ nonce: 0, attempt: 0 })
  const documentId = request?.documentId
  const shareKey = request?.shareKey
  const name = request?.name

  useEffect(() => {
    if (documentId === undefined || shareKey === undefined || name === undefined) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    // Aborting in cleanup keeps StrictMode's throwaway first run from costing a rate-limited request.
    const abort = new AbortController()
    setState({ phase: 'pending' })
    exchangeShareKey({ baseUrl: '', signal: abort.signal }, { documentId, shareKey, name }).then(
      (response) => {
        if (cancelled) return
        rememberSession(browserStorage(), documentId, shareKey, response)
        setState({ phase: 'ready', token: response.token, role: response.role, cached: false })
      },
      (error: unknown) => {
        if (cancelled) return
        const apiError =
          error instanceof ApiError ? error : new ApiError(NETWORK_FAILURE_STATUS, 'unknown', String(error))
        // Offline (or the server down): open with the last token, from the document's local copy;
        // the connection gets a fresh token once the server answers.
        const cached =
          apiError.status === NETWORK_FAILURE_STATUS
            ? findSession(browserStorage(), documentId, shareKey)
            : null
        if (cached !== null) {
          setState({ phase: 'ready', ...cached, cached: true })
          return
        }
        if (!apiError.isTransient) {
          setState({ phase: 'failed', error: apiError, retryAtMs: null })
          return
        }
        const delayMs = reconnectDelayMs(trigger.attempt)
        setState({ phase: 'failed', error: apiError, retryAtMs: Date.now() + delayMs })
        timer = setTimeout(
          () => setTrigger((current) => ({ nonce: current.nonce + 1, attempt: current.attempt + 1 })),
          delayMs,
        )
      },
    )
    return () => {
      cancelled = true
      abort.abort()
      clearTimeout(timer)
    }
  }, [documentId, shareKey, name, trigger])

  const retry = useCallback(() => setTrigger((current) => ({ nonce: current.nonce + 1, attempt: 0 })), [])
  return { state, retry }
}

/** A token source for the connection controller: re-exchanges the share key. */
export function createShareKeyTokenSource(request: ExchangeRequest) {
  return async (): Promise<string | null> => {
    try {
      return (await exchangeShareKey({ baseUrl: '' }, request)).token
    } catch (error) {
      // A refused key (403, 404, 400) is final; anything transient is retried by the controller.
      if (error instanceof ApiError && !error.isTransient) return null
      throw error
    }
  }
}
