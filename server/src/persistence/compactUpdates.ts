/** Folds a snapshot and the log after it into one update, inline or on a worker thread by size. */
import { Worker } from 'node:worker_threads'
import * as Y from 'yjs'

/**
 * Inputs of at least this many bytes are folded on a worker thread. Measured on 2 cores (see
 * bench/persistence.ts): folding a 5 MB document inline blocked the event loop 0.5-1 s, a 0.28 MB
 * one with 1000 log rows ~30 ms, a small one with 1000 rows ~7 ms. On a worker, the 5 MB compaction
 * blocked it ~47 ms at most (reading, copying and the 5 MB write with its fsync).
 */
export const COMPACT_OFF_THREAD_MIN_BYTES = 256 * 1024

/**
 * The state reached by applying `parts` in order, encoded as one V1 update. Replayed through a
 * scratch Y.Doc rather than `Y.mergeUpdates`: a merged update keeps every deleted item, and a
 * snapshot built by repeated merging took 8-17x longer to apply than a doc's `encodeStateAsUpdate`
 * (7.6 s against 0.45 s for a 5 MB document), blocking the event loop at every room load.
 * Updates whose dependencies are missing stay pending in the doc and are still encoded, so nothing
 * is dropped. compactUpdatesWorker.js repeats these lines; a test keeps the two in step.
 */
export function compactUpdates(parts: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    // One transaction for all parts: Yjs cleans up (merges structs, collects garbage, emits) once
    // instead of once per row, 1.7-2.8x faster for 1,000 typing rows, and the same bytes.
    doc.transact(() => {
      for (const part of parts) Y.applyUpdate(doc, part)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/**
 * compactUpdates on a short-lived worker thread. One worker per call: large compactions are rare
 * (one per COMPACT_THRESHOLD_* of log), so a pool would add lifecycle code and save nothing that
 * matters. The parts are copied to the worker; the result is moved back.
 */
export function compactUpdatesInWorker(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./compactUpdatesWorker.js', import.meta.url), {
      workerData: { parts },
    })
    let settled = false
    worker.once('message', (compacted: Uint8Array) => {
      settled = true
      resolve(compacted)
    })
    worker.once('error', (error) => {
      settled = true
      reject(error)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`compaction worker exited with code ${code} before answering`))
    })
  })
}

/** compactUpdates inline for small inputs, on a worker from COMPACT_OFF_THREAD_MIN_BYTES up. */
export async function compactUpdatesAdaptive(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const bytes = parts.reduce((sum, part) => sum + part.byteLength, 0)
  return bytes >= COMPACT_OFF_THREAD_MIN_BYTES ? compactUpdatesInWorker(parts) : compactUpdates(parts)
}
