/**
 * Headless Lexical off the event loop: one worker thread, started on first use, runs the content
 * API's renders and imports, and restores (Yjs alone), one at a time from a bounded queue, each
 * under a time limit.
 */
import { type ResourceLimits, Worker } from 'node:worker_threads'
import {
  ContentLimitError,
  MAX_CONTENT_DOCUMENT_BYTES,
  type ReadFormat,
  type WriteFormat,
} from '@tandem/shared/content/contentFormats'
import type { ContentJob, ContentJobResult } from './contentJob'
import type { WriteMode } from './headlessContent'

/** Jobs waiting behind the running one before more are refused (503). */
export const DEFAULT_CONTENT_QUEUE_LENGTH = 8
/**
 * One job's time limit. The slowest measured job, HTML of 400 KiB of Markdown (1.7 MB of Yjs state),
 * took 17 s on a loaded 2-core machine; the largest document the API takes (4 MiB of state) may need
 * more than twice that, so past this the worker is replaced and the job refused.
 */
export const DEFAULT_CONTENT_JOB_TIMEOUT_MS = 60_000
/** V8 heap of the worker: a 4 MiB document's Lexical tree (and happy-dom for HTML) fits well within it. */
export const DEFAULT_CONTENT_WORKER_HEAP_MB = 512
/**
 * Largest document (and version) a restore takes, in encoded bytes. A restore copies Yjs types
 * without Lexical (restoreEdit.ts), so its cost is a few passes over the states, not a Lexical tree.
 * Measured on this shared 2-core machine (paragraphs of 1,000 characters; loading both states and
 * computing the update, median of three): 5.5 MB 0.3 s and +51 MB of heap, 17.5 MB 1.7 s and
 * +148 MB, 35 MB 5.3 s and +294 MB. 16 MiB keeps a restore within a few seconds and well inside the
 * worker's heap (DEFAULT_CONTENT_WORKER_HEAP_MB); the worker's time and memory limits still bound it.
 */
export const MAX_RESTORE_DOCUMENT_BYTES = 16 * 1024 * 1024
/** What a refused job's Retry-After says: a queue's worth of typical jobs drains in about this long. */
export const CONTENT_BUSY_RETRY_AFTER_SECONDS = 5

export interface ContentWorkerOptions {
  /** Default DEFAULT_CONTENT_QUEUE_LENGTH (8). */
  readonly maxQueuedJobs?: number
  /** Default DEFAULT_CONTENT_JOB_TIMEOUT_MS (60 s). */
  readonly jobTimeoutMs?: number
  /** Default `{ maxOldGenerationSizeMb: DEFAULT_CONTENT_WORKER_HEAP_MB }` (512). */
  readonly resourceLimits?: ResourceLimits
}

/**
 * Why a job was not done: the queue was full, it ran past its time or memory, the worker died, or
 * (restores) the version's content could not be restored.
 */
export type ContentWorkerFailure = 'busy' | 'timeout' | 'out-of-memory' | 'crashed' | 'not-restorable'

export class ContentWorkerError extends Error {
  override name = 'ContentWorkerError'
  constructor(
    readonly failure: ContentWorkerFailure,
    message: string,
  ) {
    super(message)
  }
}

interface QueuedJob {
  readonly job: ContentJob
  readonly resolve: (result: ContentJobResult) => void
  readonly reject: (error: Error) => void
}

interface RunningJob extends QueuedJob {
  readonly worker: Worker
  readonly timer: NodeJS.Timeout
}

export class ContentWorker {
  private readonly maxQueuedJobs: number
  private readonly jobTimeoutMs: number
  private readonly resourceLimits: ResourceLimits
  private readonly queue: QueuedJob[] = []
  private worker: Worker | null = null
  private running: RunningJob | null = null
  private closed = false

  constructor(options: ContentWorkerOptions = {}) {
    this.maxQueuedJobs = options.maxQueuedJobs ?? DEFAULT_CONTENT_QUEUE_LENGTH
    this.jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_CONTENT_JOB_TIMEOUT_MS
    this.resourceLimits = options.resourceLimits ?? { maxOldGenerationSizeMb: DEFAULT_CONTENT_WORKER_HEAP_MB }
  }

  /** `state`'s document in `format` (see renderContent). `state` is a `Y.encodeStateAsUpdate`. */
  async render(state: Uint8Array, format: ReadFormat): Promise<string> {
    const result = await this.submit({ kind: 'render', state, format })
    if (result.kind !== 'render') throw new Error('content worker answered a render with an edit')
    return result.text
  }

  /** The update that writes `source` into `state`'s document (see createContentEdit). */
  async edit(state: Uint8Array, mode: WriteMode, format: WriteFormat, source: string): Promise<Uint8Array> {
    const result = await this.submit({ kind: 'edit', state, mode, format, source })
    if (result.kind !== 'edit') throw new Error('content worker answered an edit with a render')
    return result.update
  }

  /** The update that makes `state`'s document equal to `version`'s (see restoreEdit.ts). */
  async restore(state: Uint8Array, version: Uint8Array): Promise<Uint8Array> {
    if (version.byteLength > MAX_RESTORE_DOCUMENT_BYTES) {
      throw new ContentLimitError(
        'document-bytes',
        `the version (${version.byteLength} bytes) is larger than a restore handles (${MAX_RESTORE_DOCUMENT_BYTES})`,
      )
    }
    const result = await this.submit({ kind: 'restore', state, version })
    if (result.kind !== 'restore') throw new Error('content worker answered a restore with something else')
    return result.update
  }

  /** Refuses queued jobs and stops the worker; the running job is refused as crashed. */
  async close(): Promise<void> {
    this.closed = true
    for (const queued of this.queue.splice(0)) {
      queued.reject(new ContentWorkerError('crashed', 'the server is shutting down'))
    }
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }

  private async submit(job: ContentJob): Promise<Extract<ContentJobResult, { ok: true }>> {
    if (this.closed) throw new ContentWorkerError('crashed', 'the server is shutting down')
    // Refused before copying a large state to the worker (which checks it again).
    const maxBytes = job.kind === 'restore' ? MAX_RESTORE_DOCUMENT_BYTES : MAX_CONTENT_DOCUMENT_BYTES
    if (job.state.byteLength > maxBytes) {
      throw new ContentLimitError(
        'document-bytes',
        `the document (${job.state.byteLength} bytes) is larger than the content API handles (${maxBytes})`,
      )
    }
    if (this.queue.length >= this.maxQueuedJobs) {
      throw new ContentWorkerError('busy', 'the content API is busy with other documents; try again shortly')
    }
    const result = await new Promise<ContentJobResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject })
      this.startNext()
    })
    if (result.ok) return result
    if (result.error === 'content-limit') throw new ContentLimitError(result.limit, result.message)
    if (result.error === 'not-restorable') {
      throw new ContentWorkerError('not-restorable', `the version cannot be restored: ${result.message}`)
    }
    const failure = new Error(`content worker: ${result.message}`)
    if (result.stack) failure.stack = result.stack
    throw failure
  }

  private startNext(): void {
    if (this.running || this.closed) return
    const next = this.queue.shift()
    if (!next) return
    const worker = this.ensureWorker()
    const timer = setTimeout(() => {
      this.replaceWorker(
        worker,
        new ContentWorkerError(
          'timeout',
          `rendering or importing this content took longer than ${this.jobTimeoutMs / 1000} s; it is too large`,
        ),
      )
    }, this.jobTimeoutMs)
    this.running = { ...next, worker, timer }
    // The state is copied, not moved: it may be a view of a buffer the caller still uses.
    worker.postMessage(next.job)
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = FROM_SOURCE
      ? new Worker(loadThroughTsx(CONTENT_WORKER_URL), { eval: true, resourceLimits: this.resourceLimits })
      : new Worker(CONTENT_WORKER_URL, { resourceLimits: this.resourceLimits })
    // An idle worker must not keep the process alive; a running job is awaited by its request.
    worker.unref()
    worker.on('message', (result: ContentJobResult) => {
      const running = this.running
      if (!running || running.worker !== worker) return
      this.finish(running)
      running.resolve(result)
    })
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.replaceWorker(
        worker,
        new ContentWorkerError(
          outOfMemory ? 'out-of-memory' : 'crashed',
          outOfMemory
            ? 'rendering or importing this content needs more memory than the content API has; it is too large'
            : `the content worker failed: ${error.message}`,
        ),
      )
    })
    worker.on('exit', () => {
      this.replaceWorker(
        worker,
        new ContentWorkerError('crashed', 'the content worker stopped before answering'),
      )
    })
    this.worker = worker
    return worker
  }

  /** Drops `worker` (terminating it), refuses its running job with `error`, and starts the next job on a new one. */
  private replaceWorker(worker: Worker, error: ContentWorkerError): void {
    if (this.worker === worker) {
      this.worker = null
      void worker.terminate()
    }
    const running = this.running
    if (running && running.worker === worker) {
      this.finish(running)
      running.reject(error)
    }
  }

  private finish(running: RunningJob): void {
    clearTimeout(running.timer)
    this.running = null
    queueMicrotask(() => this.startNext())
  }
}

/**
 * The worker's entry: beside the bundle in server/dist (build.mjs builds contentWorkerThread.js), or the
 * TypeScript source under tsx and vitest. A worker does not inherit the parent's loader, and on
 * Node 20 `execArgv: ['--import', 'tsx']` does not reach it either, so the source is imported
 * through tsx's API from a small bootstrap.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const CONTENT_WORKER_URL = new URL(
  FROM_SOURCE ? './contentWorkerThread.ts' : './contentWorkerThread.js',
  import.meta.url,
)

function loadThroughTsx(entry: URL): string {
  return `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`
}
