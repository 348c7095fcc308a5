/**
 * Owns when the y-websocket provider connects: jittered backoff, token refresh on 4401 or on a
 * refused upgrade, stop on permanent close codes, offline detection. The stock provider's own
 * reconnect loop is disabled (it has no jitter and ignores close codes).
 */
import { CLOSE_CODES } from '@tandem/shared'
import type { WebsocketProvider } from 'y-websocket'
import { decideAfterClose, reconnectDelayMs } from './reconnectPolicy'
import { isTokenExpired } from './tokenClaims'
import { createValueStore, type ValueStore } from './valueStore'

/** A socket that has not opened after this long is abandoned and retried. */
export const CONNECT_TIMEOUT_MS = 10_000

/** Why the controller gave up; the UI turns each into a message a person can act on. */
export type StopReason =
  /** The server closed with a code whose policy is 'stop' (or a 44xx code it does not know). */
  | { kind: 'closed'; code: number; reason: string }
  /** The token source refused for good: the link is invalid or revoked, or the document deleted. */
  | { kind: 'access-denied' }
  /** The token expired and there is no way to get a fresh one. */
  | { kind: 'token-expired' }
  /**
   * The upgrade was refused for good, as the upgrade probe reported: 401 (a token the server does
   * not accept, and no fresh one to be had) or 404 (no such document).
   */
  | { kind: 'refused'; status: number }

/**
 * Whether the stop means this person's access is gone (the token source refused, or the server
 * closed with 4403 or 4410, the document deleted): what the browser keeps of the document is then deleted.
 */
export function isAccessRevoked(reason: StopReason): boolean {
  return (
    reason.kind === 'access-denied' ||
    (reason.kind === 'closed' &&
      (reason.code === CLOSE_CODES.FORBIDDEN.code || reason.code === CLOSE_CODES.DOCUMENT_DELETED.code))
  )
}

export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number }
  | { status: 'connected'; synced: boolean }
  | { status: 'refreshing-token' }
  /** Waiting for `retryAtMs` before the next attempt. */
  | { status: 'reconnecting'; attempt: number; retryAtMs: number }
  /** The browser reports no network; attempts continue in the background. */
  | { status: 'offline'; retryAtMs: number }
  | { status: 'stopped'; reason: StopReason }

export type ConnectionStatus = ConnectionState['status']

/** Why a fresh token is requested. */
export type TokenRefreshReason = 'expired' | 'connect-failed'

/**
 * Source of fresh tokens. Resolves null when access is refused for good (the controller stops);
 * throws on transient failures (the controller retries later).
 */
export type TokenSource = (reason: TokenRefreshReason) => Promise<string | null>

/**
 * Asks the server what the upgrade with `token` would answer (the HTTP status of the upgrade probe),
 * or null when it cannot be reached. Browsers hide why an upgrade was refused.
 */
export type UpgradeProbe = (token: string) => Promise<number | null>

/** The part of WebsocketProvider the controller drives. */
export type ProviderPort = Pick<
  WebsocketProvider,
  'params' | 'shouldConnect' | 'ws' | 'connect' | 'disconnect' | 'on' | 'off'
>

/** Time, randomness and network signals; the browser's by default, fakes in tests. */
export interface ControllerEnvironment {
  now(): number
  setTimer(callback: () => void, delayMs: number): unknown
  clearTimer(handle: unknown): void
  random(): number
  isOnline(): boolean
  /** Subscribes to online/offline changes; returns the unsubscribe function. */
  watchOnline(listener: (online: boolean) => void): () => void
}

/** The browser environment: real timers, Math.random, navigator.onLine and window events. */
export function createBrowserEnvironment(): ControllerEnvironment {
  return {
    now: () => Date.now(),
    setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: () => Math.random(),
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    watchOnline(listener) {
      if (typeof window === 'undefined') return () => {}
      const online = () => listener(true)
      const offline = () => listener(false)
      window.addEventListener('online', online)
      window.addEventListener('offline', offline)
      return () => {
        window.removeEventListener('online', online)
        window.removeEventListener('offline', offline)
      }
    },
  }
}

export interface ConnectionControllerOptions {
  provider: ProviderPort
  /** Initial connection token (sent as `?token=`). */
  token: string
  /** Where fresh tokens come from; without it an expired token stops the connection. */
  getToken?: TokenSource
  /** Asked after a socket closed before opening; without it such closes are always retried. */
  probeUpgrade?: UpgradeProbe
  environment?: ControllerEnvironment
}

/** Connects, reconnects and gives up on behalf of one provider; observe it through `state`. */
export class ConnectionController {
  readonly state: ValueStore<ConnectionState> = createValueStore<ConnectionState>({ status: 'idle' })
  private readonly provider: ProviderPort
  private readonly getToken: TokenSource | undefined
  private readonly probeUpgrade: UpgradeProbe | undefined
  /** Whether the token in use came from `getToken` since the last opened socket. */
  private tokenRefreshed = false
  private readonly env: ControllerEnvironment
  private token: string
  /** Whether the editor wants a connection (between start() and stop()). */
  private wanted = false
  /** Failed attempts since the last successful sync; drives the backoff. */
  private attempt = 0
  private opened = false
  /** Exchange the token before the next attempt (after a 4401, or a close before open). */
  private refreshReason: TokenRefreshReason | null = null
  private timer: unknown = null
  /** Bumped whenever pending async work (a token fetch) must be ignored. */
  private generation = 0
  private readonly unwatchOnline: () => void

  constructor(options: ConnectionControllerOptions) {
    this.provider = options.provider
    this.token = options.token
    this.getToken = options.getToken
    this.probeUpgrade = options.probeUpgrade
    this.env = options.environment ?? createBrowserEnvironment()
    this.provider.on('status', this.handleStatus)
    this.provider.on('sync', this.handleSync)
    this.provider.on('connection-close', this.handleClose)
    this.unwatchOnline = this.env.watchOnline(this.handleOnlineChange)
  }

  /** The token in use now (the initial one, or the last fresh one): HTTP calls of the session send it too. */
  get currentToken(): string {
    return this.token
  }

  /**
   * Asks for a connection. The socket opens on the next tick, so React StrictMode's
   * connect/disconnect/connect sequence opens exactly one socket.
   */
  start(): void {
    this.wanted = true
    const { status } = this.state.get()
    if (status !== 'idle' || this.timer !== null) return
    this.schedule(0, () => this.connectNow())
  }

  /** Closes the socket and cancels pending attempts; `start()` resumes. */
  stop(): void {
    this.wanted = false
    this.cancelTimer()
    this.generation++
    this.closeSocket()
    if (this.state.get().status !== 'stopped') this.state.set({ status: 'idle' })
  }

  /** Skips the remaining wait (the "Retry now" button). */
  retryNow(): void {
    const { status } = this.state.get()
    if (!this.wanted || (status !== 'reconnecting' && status !== 'offline')) return
    this.cancelTimer()
    this.attempt = 0
    this.connectNow()
  }

  /** Uses `token` from the next connection attempt on (e.g. a host app rotated it). */
  setToken(token: string): void {
    this.token = token
  }

  /** Stops and detaches from the provider and the environment. */
  destroy(): void {
    this.stop()
    this.provider.off('status', this.handleStatus)
    this.provider.off('sync', this.handleSync)
    this.provider.off('connection-close', this.handleClose)
    this.unwatchOnline()
  }

  private connectNow(): void {
    this.timer = null
    if (!this.wanted) return
    const expired = isTokenExpired(this.token, this.env.now())
    if (expired && this.getToken === undefined) {
      this.state.set({ status: 'stopped', reason: { kind: 'token-expired' } })
      return
    }
    // The browser knows it has no network: an attempt could only fail, and would show
    // "Reconnecting" meanwhile. Wait on; the 'online' event connects at once.
    if (!this.env.isOnline()) {
      this.scheduleReconnect()
      return
    }
    const reason = expired ? 'expired' : this.refreshReason
    if (reason !== null && this.getToken !== undefined) {
      void this.refreshToken(this.getToken, reason)
      return
    }
    this.openSocket()
  }

  private async refreshToken(getToken: TokenSource, reason: TokenRefreshReason): Promise<void> {
    const generation = ++this.generation
    this.state.set({ status: 'refreshing-token' })
    let token: string | null
    try {
      token = await getToken(reason)
    } catch {
      if (generation === this.generation) this.scheduleReconnect()
      return
    }
    if (generation !== this.generation || !this.wanted) return
    if (token === null) {
      this.state.set({ status: 'stopped', reason: { kind: 'access-denied' } })
      return
    }
    this.token = token
    this.tokenRefreshed = true
    this.refreshReason = null
    this.openSocket()
  }

  private openSocket(): void {
    this.provider.params = { ...this.provider.params, token: this.token }
    this.opened = false
    this.state.set({ status: 'connecting', attempt: this.attempt })
    this.provider.connect()
    this.schedule(CONNECT_TIMEOUT_MS, () => {
      this.timer = null
      // Closing locally reports a close without a code, which handleClose retries.
      if (!this.opened) this.closeSocket()
    })
  }

  private closeSocket(): void {
    if (this.provider.ws !== null) this.provider.disconnect()
    this.provider.shouldConnect = false
  }

  private scheduleReconnect(): void {
    const delayMs = reconnectDelayMs(this.attempt, this.env.random)
    const retryAtMs = this.env.now() + delayMs
    this.attempt++
    this.state.set(
      this.env.isOnline()
        ? { status: 'reconnecting', attempt: this.attempt, retryAtMs }
        : { status: 'offline', retryAtMs },
    )
    this.schedule(delayMs, () => this.connectNow())
  }

  private schedule(delayMs: number, callback: () => void): void {
    this.cancelTimer()
    this.timer = this.env.setTimer(callback, delayMs)
  }

  private cancelTimer(): void {
    if (this.timer === null) return
    this.env.clearTimer(this.timer)
    this.timer = null
  }

  private readonly handleStatus = ({ status }: { status: string }): void => {
    if (status !== 'connected' || !this.wanted) return
    this.opened = true
    this.tokenRefreshed = false
    this.cancelTimer()
    this.state.set({ status: 'connected', synced: false })
  }

  private readonly handleSync = (synced: boolean): void => {
    if (!synced || !this.wanted) return
    // Reset the backoff only after a sync, so a server that accepts and then closes is still backed off.
    this.attempt = 0
    this.state.set({ status: 'connected', synced: true })
  }

  private readonly handleClose = (event: CloseEvent | null): void => {
    // The stock provider would schedule its own reconnect (no jitter); this controller decides instead.
    this.provider.shouldConnect = false
    this.cancelTimer()
    if (!this.wanted) return
    const decision = decideAfterClose({ code: event?.code ?? null, opened: this.opened })
    switch (decision.action) {
      case 'stop':
        this.state.set({
          status: 'stopped',
          reason: { kind: 'closed', code: decision.code, reason: decision.reason },
        })
        return
      case 'refresh-token':
        if (this.getToken === undefined) {
          this.state.set({ status: 'stopped', reason: { kind: 'token-expired' } })
          return
        }
        this.refreshReason = 'expired'
        break
      case 'reconnect':
        if (decision.checkToken && this.refreshReason === null) this.refreshReason = 'connect-failed'
        break
    }
    this.scheduleReconnect()
    if (decision.action === 'reconnect' && decision.checkToken) void this.checkRefusal(this.token)
  }

  /**
   * A socket that never opened may have been refused on the upgrade. The probe says whether for good:
   * 403 (access revoked), 404 (no such document) and 410 (deleted, told like a 4410 close) stop; 401
   * stops when no fresh token can help
   * (no token source, or the source's fresh token was refused too). Anything else keeps retrying.
   */
  private async checkRefusal(token: string): Promise<void> {
    if (this.probeUpgrade === undefined) return
    const generation = this.generation
    const status = await this.probeUpgrade(token).catch(() => null)
    if (generation !== this.generation || !this.wanted || token !== this.token) return
    if (this.state.get().status === 'connected' || this.state.get().status === 'stopped') return
    let reason: StopReason | null = null
    if (status === 403) reason = { kind: 'access-denied' }
    else if (status === 404) reason = { kind: 'refused', status }
    else if (status === 410)
      reason = { kind: 'closed', code: CLOSE_CODES.DOCUMENT_DELETED.code, reason: 'document deleted' }
    else if (status === 401 && (this.getToken === undefined || this.tokenRefreshed)) {
      reason = { kind: 'refused', status }
    }
    if (reason === null) return
    this.cancelTimer()
    this.generation++
    this.closeSocket()
    this.state.set({ status: 'stopped', reason })
  }

  private readonly handleOnlineChange = (online: boolean): void => {
    const { status } = this.state.get()
    if (!this.wanted || status === 'stopped' || status === 'idle') return
    if (online) {
      if (status !== 'offline' && status !== 'reconnecting') return
      this.cancelTimer()
      this.attempt = 0
      this.connectNow()
      return
    }
    // A socket can stay open across a network change and swallow frames: drop it, and let the
    // reconnect handshake re-send everything typed meanwhile.
    this.generation++
    if (this.provider.ws !== null) {
      this.closeSocket()
    } else {
      this.scheduleReconnect()
    }
  }
}
