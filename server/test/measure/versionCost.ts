/**
 * What taking a version of the 5 MB document costs (issue 19): `npx tsx server/test/measure/versionCost.ts`.
 * The bench's 5 MB generator, stored in SQLite (fsync) two ways: compacted (one snapshot) and with
 * 1000 typing rows in the log after it. Prints wall time, the longest event-loop block (a 1 ms probe)
 * and the bytes stored, medians of three. Not a test: it takes seconds and only reports.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { largeDocument } from '../../../bench/src/load/typingUpdates'
import { DocumentHistory } from '../../src/history/DocumentHistory'
import { SqliteStore } from '../../src/persistence/sqlite/SqliteStore'

const RUNS = 3
const ROOM = 'big'
const RETENTION = { maxCount: 200, maxBytes: 256 * 1024 * 1024 }

async function measure<T>(work: () => Promise<T>): Promise<{ wallMs: number; maxBlockMs: number }> {
  let last = performance.now()
  let maxBlockMs = 0
  const probe = setInterval(() => {
    const now = performance.now()
    maxBlockMs = Math.max(maxBlockMs, now - last)
    last = now
  }, 1)
  const started = performance.now()
  await work()
  const wallMs = performance.now() - started
  maxBlockMs = Math.max(maxBlockMs, performance.now() - last)
  clearInterval(probe)
  return { wallMs, maxBlockMs }
}

function typingOn(state: Uint8Array, count: number): Uint8Array[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const text = doc.getText('t')
  for (let i = 0; i < count; i++) text.insert(Math.floor(text.length / 2), 'x')
  doc.destroy()
  return updates
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!

const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-version-cost-'))
try {
  const state = largeDocument(5 * 1024 * 1024)
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs; document ${(state.byteLength / 1e6).toFixed(2)} MB`,
  )
  console.log('| stored as | wall time | longest event-loop block | version bytes |')
  console.log('|---|---:|---:|---:|')
  for (const withLog of [false, true]) {
    const store = new SqliteStore(path.join(dir, `${withLog}.db`))
    // Only documents in the catalog get versions.
    await store.createDocument({ id: ROOM, title: 'Big', createdAt: Date.now(), deletedAt: null })
    await store.append([{ room: ROOM, update: state }])
    await store.compact(ROOM)
    if (withLog) await store.append(typingOn(state, 1000).map((update) => ({ room: ROOM, update })))
    const history = new DocumentHistory({ store, retention: RETENTION })
    const runs: { wallMs: number; maxBlockMs: number }[] = []
    for (let run = 0; run < RUNS; run++) {
      runs.push(
        await measure(() =>
          history.takeVersion({ documentId: ROOM, kind: 'auto', name: null, editors: [], clients: [] }),
        ),
      )
    }
    const [latest] = await store.listVersions(ROOM)
    const label = withLog ? 'snapshot + 1000 log rows' : 'one snapshot (compacted)'
    console.log(
      `| ${label} | ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms | ${median(runs.map((r) => r.maxBlockMs)).toFixed(0)} ms | ${latest?.bytes} |`,
    )
    await store.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
