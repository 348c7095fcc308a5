/** Worker thread body of compactUpdatesInWorker; plain JS so it loads under node, tsx and vitest alike. */
import { parentPort, workerData } from 'node:worker_threads'
import * as Y from 'yjs'

// Same steps as compactUpdates() in compactUpdates.ts.
const doc = new Y.Doc()
doc.transact(() => {
  for (const part of workerData.parts) Y.applyUpdate(doc, part)
})
const compacted = Y.encodeStateAsUpdate(doc)
// The encoder's output owns a fresh buffer, so it is moved to the parent instead of copied.
parentPort.postMessage(compacted, [compacted.buffer])
