import { ContentLimitError, MAX_CONTENT_DOCUMENT_BYTES } from '@tandem/shared/content/contentFormats'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { ContentWorker, ContentWorkerError } from './ContentWorker'

const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc())

function createWorker(options: ConstructorParameters<typeof ContentWorker>[0]): ContentWorker {
  const worker = new ContentWorker(options)
  onTestFinished(() => worker.close())
  return worker
}

describe('ContentWorker', () => {
  it('imports on the worker, and renders what it imported', async () => {
    const worker = createWorker({})
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await worker.edit(EMPTY_STATE, 'replace', 'markdown', '# Title\n\nBody'))
    expect(await worker.render(Y.encodeStateAsUpdate(doc), 'markdown')).toBe('# Title\n\nBody\n')
  }, 60_000)

  it('refuses a document past MAX_CONTENT_DOCUMENT_BYTES before sending it', async () => {
    const worker = createWorker({})
    const error = await worker.render(new Uint8Array(MAX_CONTENT_DOCUMENT_BYTES + 1), 'text').catch((e) => e)
    expect(error).toBeInstanceOf(ContentLimitError)
  })

  it('refuses jobs past the queue length as busy, and replaces a worker that runs out of time', async () => {
    const worker = createWorker({ maxQueuedJobs: 1, jobTimeoutMs: 1 })
    // The first job starts (and times out: 1 ms is less than loading Lexical), the second waits, the third is refused.
    const first = worker.render(EMPTY_STATE, 'text').catch((e) => e)
    const second = worker.render(EMPTY_STATE, 'text').catch((e) => e)
    const third = await worker.render(EMPTY_STATE, 'text').catch((e) => e)
    expect(third).toBeInstanceOf(ContentWorkerError)
    expect(third.failure).toBe('busy')
    expect((await first).failure).toBe('timeout')
    expect((await second).failure).toBe('timeout')
  }, 60_000)
})
