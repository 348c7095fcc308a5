/**
 * The document's images on the server: uploads them (with progress) and keeps signed URLs for every
 * hash the document shows, asking again before they expire and when an unknown hash appears (an
 * image another person just uploaded). Documents hold hashes; only this holds URLs.
 */
import type { ApiErrorBody, UploadListResponse, UploadResponse } from '@tandem/shared'
import { ApiError, NETWORK_FAILURE_STATUS } from '../api/apiClient'

/** URLs are fetched again this long before they expire. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000
/** At most one list request per this interval when unknown hashes appear. */
export const MIN_REFRESH_INTERVAL_MS = 2000
/** Lists asked for a hash that is not there before it counts as missing (a hash from elsewhere). */
const MAX_MISSES = 3
/** An upload that makes no progress for this long fails. */
const UPLOAD_TIMEOUT_MS = 120_000

export interface ImageUploadsOptions {
  /** HTTP base of the server without a trailing slash (toHttpBase). */
  httpBase: string
  room: string
  /** The session's current token (it changes when refreshed). */
  getToken: () => string
  /**
   * The Authorization header instead of `Bearer <token>`; the history panel, which has no
   * session, lists a document's images with its share key (`ShareKey <key>`).
   */
  getAuthorization?: () => string
  fetch?: typeof fetch
  now?: () => number
}

/**
 * What the view shows for a hash: its URL, `undefined` while not known yet, `null` when the server
 * does not have it. Primitives, so useSyncExternalStore sees a stable snapshot.
 */
export type ImageSource = string | undefined | null

export class ImageUploads {
  private readonly urls = new Map<string, string>()
  private readonly misses = new Map<string, number>()
  private readonly wanted = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private readonly fetch: typeof fetch
  private readonly now: () => number
  private expiresAtMs = 0
  private lastListMs = Number.NEGATIVE_INFINITY
  private listing: Promise<void> | null = null
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerDueMs = 0
  private destroyed = false

  constructor(private readonly options: ImageUploadsOptions) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.now = options.now ?? Date.now
  }

  private authorization(): string {
    return this.options.getAuthorization?.() ?? `Bearer ${this.options.getToken()}`
  }

  /** For useSyncExternalStore: called whenever a source may have changed. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Where `hash` stands (no side effects: call `want` for one not known yet). */
  sourceOf(hash: string): ImageSource {
    const url = this.expiresAtMs > this.now() ? this.urls.get(hash) : undefined
    if (url !== undefined) return url
    return (this.misses.get(hash) ?? 0) >= MAX_MISSES ? null : undefined
  }

  /** Asks for a URL of `hash`: fetches the document's list, at most once every MIN_REFRESH_INTERVAL_MS. */
  want(hash: string): void {
    this.wanted.add(hash)
    // A list in flight checks the wanted hashes when it ends.
    if (this.listing !== null || this.destroyed) return
    const dueMs = Math.max(this.now(), this.lastListMs + MIN_REFRESH_INTERVAL_MS)
    if (this.timer === undefined || this.timerDueMs > dueMs) this.schedule(dueMs - this.now())
  }

  /**
   * Uploads `file`; `onProgress` gets the fraction sent. Rejects with ApiError: the server's status,
   * code and message (a person can read it), or NETWORK_FAILURE_STATUS when no answer came.
   */
  upload(file: Blob, onProgress: (fraction: number) => void): Promise<UploadResponse> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      // XMLHttpRequest, not fetch: only it reports upload progress.
      xhr.open(
        'POST',
        `${this.options.httpBase}/api/documents/${encodeURIComponent(this.options.room)}/uploads`,
      )
      xhr.setRequestHeader('Authorization', this.authorization())
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
      xhr.timeout = UPLOAD_TIMEOUT_MS
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total)
      }
      xhr.onload = () => {
        const body = parseJson(xhr.responseText)
        if (xhr.status >= 200 && xhr.status < 300 && body !== null) {
          const uploaded = body as UploadResponse
          this.remember([uploaded], uploaded.expiresAt)
          resolve(uploaded)
          return
        }
        const error = (body as ApiErrorBody | null)?.error
        reject(
          new ApiError(
            xhr.status,
            error?.code ?? 'http_error',
            error?.message ?? `upload failed (${xhr.status})`,
          ),
        )
      }
      const networkFailure = () =>
        reject(new ApiError(NETWORK_FAILURE_STATUS, 'network', 'the server could not be reached; try again'))
      xhr.onerror = networkFailure
      xhr.ontimeout = networkFailure
      xhr.send(file)
    })
  }

  /** Fetches fresh URLs for every image of the document now. */
  async refresh(): Promise<void> {
    this.listing ??= this.list().finally(() => {
      this.listing = null
    })
    return this.listing
  }

  destroy(): void {
    this.destroyed = true
    clearTimeout(this.timer)
    this.listeners.clear()
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer)
    this.timerDueMs = this.now() + delayMs
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.refresh().catch(() => {
        // Offline or refused: the images keep their loading state; the next want or expiry retries.
      })
    }, delayMs)
  }

  private async list(): Promise<void> {
    this.lastListMs = this.now()
    const { httpBase, room } = this.options
    const response = await this.fetch(`${httpBase}/api/documents/${encodeURIComponent(room)}/uploads`, {
      headers: { authorization: this.authorization() },
      cache: 'no-store',
    })
    if (!response.ok)
      throw new ApiError(response.status, 'http_error', `listing images failed (${response.status})`)
    const body = (await response.json()) as UploadListResponse
    if (this.destroyed) return
    this.remember(body.uploads, body.expiresAt)
    for (const hash of this.wanted) {
      if (this.urls.has(hash)) this.misses.delete(hash)
      else this.misses.set(hash, (this.misses.get(hash) ?? 0) + 1)
    }
    // Still-missing hashes are asked for again (bounded by MAX_MISSES); otherwise before expiry.
    const stillWanted = [...this.wanted].some(
      (hash) => !this.urls.has(hash) && (this.misses.get(hash) ?? 0) < MAX_MISSES,
    )
    this.schedule(
      stillWanted
        ? MIN_REFRESH_INTERVAL_MS
        : Math.max(MIN_REFRESH_INTERVAL_MS, this.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS - this.now()),
    )
    this.notify()
  }

  private remember(uploads: readonly { hash: string; url: string }[], expiresAt: number): void {
    for (const { hash, url } of uploads) {
      this.urls.set(hash, `${this.options.httpBase}${url}`)
      this.misses.delete(hash)
    }
    // A single upload's expiry is the same window's as the list's (the server rounds to one).
    this.expiresAtMs = Math.max(this.expiresAtMs, expiresAt * 1000)
    this.notify()
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
