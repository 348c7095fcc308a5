/** Worker thread body of ContentWorker: runs headless Lexical jobs and restores off the server's event loop. */
import { parentPort } from 'node:worker_threads'
import { ContentLimitError } from '@tandem/shared/content/contentFormats'
import * as Y from 'yjs'
import type { ContentJob, ContentJobResult } from './contentJob'
import { createContentEdit, renderContent } from './headlessContent'
import { createRestoreEdit } from './restoreEdit'

const port = parentPort
if (!port) throw new Error('contentWorkerThread.ts runs only as a worker thread')

port.on('message', (job: ContentJob) => {
  const result = runJob(job)
  // An edit's update owns a fresh buffer: moved to the parent instead of copied.
  port.postMessage(result, result.ok && result.kind !== 'render' ? [result.update.buffer as ArrayBuffer] : [])
})

function runJob(job: ContentJob): ContentJobResult {
  // A copy of the room's document as it was when the job was queued; the room itself stays on the main thread.
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, job.state)
    if (job.kind === 'render') return { ok: true, kind: 'render', text: renderContent(doc, job.format) }
    if (job.kind === 'restore') return { ok: true, kind: 'restore', update: restoreOf(doc, job.version) }
    return { ok: true, kind: 'edit', update: createContentEdit(doc, job.mode, job.format, job.source) }
  } catch (error) {
    if (error instanceof ContentLimitError) {
      return { ok: false, error: 'content-limit', limit: error.limit, message: error.message }
    }
    const failure = error instanceof Error ? error : new Error(String(error))
    // A restore reads a stored version: a failure there is that version's content (a crafted
    // tree), which a retry would meet again, so it is refused as such rather than as a server fault.
    if (job.kind === 'restore') return { ok: false, error: 'not-restorable', message: failure.message }
    return { ok: false, error: 'failed', message: failure.message, stack: failure.stack }
  } finally {
    doc.destroy()
  }
}

function restoreOf(doc: Y.Doc, versionState: Uint8Array): Uint8Array {
  const version = new Y.Doc()
  try {
    Y.applyUpdate(version, versionState)
    return createRestoreEdit(doc, version)
  } finally {
    version.destroy()
  }
}
