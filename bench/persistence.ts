/**
 * Persistence benchmark: append throughput of real typing updates, group-committed vs one commit per
 * update, and what compacting (and loading) a 5 MB document costs the event loop.
 * Run: npx tsx bench/persistence.ts [dir]   (dir: where the databases go, default the OS temp dir;
 * use the disk DATA_DIR lives on, since fsync cost is the point). Prints markdown tables.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { compactUpdates } from '../server/src/persistence/compactUpdates'
import type { DocumentStore, Durability } from '../server/src/persistence/DocumentStore'
import { MemoryStore } from '../server/src/persistence/memory/MemoryStore'
import { SqliteStore } from '../server/src/persistence/sqlite/SqliteStore'

const TYPING_UPDATES = 20_000
const APPEND_BUDGET_MS = 3_000
const BATCH_SIZES = [1, 10, 100] as const
const DURABILITIES: readonly Durability[] = ['fsync', 'process']
const LARGE_DOCUMENT_BYTES = 5 * 1024 * 1024
const LOG_ROWS_BEFORE_COMPACTION = 1_000
const COMPACTION_RUNS = 3

const dir = mkdtempSync(path.join(process.argv[2] ?? os.tmpdir(), 'tandem-bench-'))
let fileCount = 0
const freshFile = () => path.join(dir, `bench-${fileCount++}.db`)

/**
 * One update per keystroke from a user editing `doc` (a fresh one by default): typing words at a
 * cursor inside the text, with the odd backspace, and moving the cursor now and then.
 */
function typingUpdates(count: number, clientID: number, doc = new Y.Doc()): Uint8Array[] {
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  const record = (update: Uint8Array) => updates.push(update)
  doc.on('update', record)
  const text = doc.getText('t')
  const words = 'the quick brown fox jumps over the lazy dog '
  let cursor = text.length
  for (let i = 0; updates.length < count; i++) {
    if (i % 60 === 59) cursor = Math.floor(Math.random() * (text.length + 1))
    if (i % 17 === 16 && cursor > 0) text.delete(--cursor, 1)
    else text.insert(cursor++, words[i % words.length]!)
  }
  doc.off('update', record)
  return updates
}

/** A document of at least `bytes` encoded, edited at random places so it holds many structs. */
function largeDocument(bytes: number): { doc: Y.Doc; edits: Uint8Array[] } {
  const doc = new Y.Doc()
  const edits: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => edits.push(update))
  const text = doc.getText('t')
  for (let i = 1; ; i++) {
    text.insert(Math.floor(Math.random() * (text.length + 1)), 'lorem ipsum dolor sit amet ')
    if (i % 10 === 0 && text.length > 10) text.delete(Math.floor(Math.random() * (text.length - 5)), 3)
    if (i % 2000 === 0 && Y.encodeStateAsUpdate(doc).byteLength >= bytes) return { doc, edits }
  }
}

/** Runs `work` while a 1 ms timer measures the longest stretch the event loop was blocked. */
async function measureBlocking<T>(
  work: () => Promise<T>,
): Promise<{ result: T; wallMs: number; maxBlockMs: number }> {
  let last = performance.now()
  let maxBlockMs = 0
  const probe = setInterval(() => {
    const now = performance.now()
    maxBlockMs = Math.max(maxBlockMs, now - last)
    last = now
  }, 1)
  const started = performance.now()
  const result = await work()
  const wallMs = performance.now() - started
  maxBlockMs = Math.max(maxBlockMs, performance.now() - last)
  clearInterval(probe)
  return { result, wallMs, maxBlockMs }
}

async function appendThroughput(store: DocumentStore, updates: Uint8Array[], batchSize: number) {
  const started = performance.now()
  let appended = 0
  while (appended < updates.length && performance.now() - started < APPEND_BUDGET_MS) {
    const batch = updates.slice(appended, appended + batchSize).map((update) => ({ room: 'bench', update }))
    await store.append(batch)
    appended += batch.length
  }
  const seconds = (performance.now() - started) / 1000
  await store.close()
  return { perSecond: appended / seconds, commitsPerSecond: appended / batchSize / seconds }
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!
const round = (value: number) => Math.round(value).toLocaleString('en-US')
const ms = (value: number) => `${value.toFixed(1)} ms`

async function benchAppends(): Promise<void> {
  const updates = typingUpdates(TYPING_UPDATES, 1)
  const meanBytes = updates.reduce((sum, update) => sum + update.byteLength, 0) / updates.length
  console.log(`\n### Appends: ${updates.length} typing updates, mean ${meanBytes.toFixed(1)} bytes each\n`)
  console.log('| store | durability | updates per commit | updates/s | commits/s |')
  console.log('|---|---|---:|---:|---:|')
  const memory = await appendThroughput(new MemoryStore(), updates, 1)
  console.log(`| memory (persistence off) | - | 1 | ${round(memory.perSecond)} | - |`)
  for (const durability of DURABILITIES) {
    for (const batchSize of BATCH_SIZES) {
      const store = new SqliteStore(freshFile(), { durability })
      const { perSecond, commitsPerSecond } = await appendThroughput(store, updates, batchSize)
      console.log(
        `| sqlite | ${durability} | ${batchSize} | ${round(perSecond)} | ${round(commitsPerSecond)} |`,
      )
    }
  }
}

type Fold = (parts: readonly Uint8Array[]) => Promise<Uint8Array>
type Timing = { wallMs: number; maxBlockMs: number }

function row(label: string, runs: Timing[]): string {
  const wall = median(runs.map((run) => run.wallMs))
  return `| ${label} | ${ms(wall)} | ${ms(median(runs.map((run) => run.maxBlockMs)))} |`
}

/** Times COMPACTION_RUNS compactions of `room`, each after appending the next LOG_ROWS of `rows`. */
async function timeCompactions(store: SqliteStore, room: string, rows: Uint8Array[]): Promise<Timing[]> {
  const runs: Timing[] = []
  for (let run = 0; run < COMPACTION_RUNS; run++) {
    const batch = rows.slice(run * LOG_ROWS_BEFORE_COMPACTION, (run + 1) * LOG_ROWS_BEFORE_COMPACTION)
    await store.append(batch.map((update) => ({ room, update })))
    runs.push(await measureBlocking(() => store.compact(room)))
  }
  return runs
}

async function timeSync(work: () => unknown): Promise<Timing[]> {
  const runs: Timing[] = []
  for (let run = 0; run < COMPACTION_RUNS; run++) runs.push(await measureBlocking(async () => work()))
  return runs
}

async function benchCompaction(): Promise<void> {
  const started = performance.now()
  const { doc, edits } = largeDocument(LARGE_DOCUMENT_BYTES)
  const snapshot = Y.encodeStateAsUpdate(doc)
  const generatedMs = performance.now() - started
  const rows = typingUpdates(LOG_ROWS_BEFORE_COMPACTION * COMPACTION_RUNS, 99, doc)
  const small = typingUpdates(LOG_ROWS_BEFORE_COMPACTION * COMPACTION_RUNS, 7)
  console.log(
    `\n### Compaction: ${(snapshot.byteLength / 1024 / 1024).toFixed(2)} MB document (${edits.length} ` +
      `random edits, built in ${ms(generatedMs)}) plus ${LOG_ROWS_BEFORE_COMPACTION} typing rows; medians of ${COMPACTION_RUNS}\n`,
  )
  console.log('| step | wall time | longest event-loop block |')
  console.log('|---|---:|---:|')

  const variants: { label: string; fold?: Fold }[] = [
    { label: 'compact 5 MB, fold inline', fold: async (parts) => compactUpdates(parts) },
    { label: 'compact 5 MB, fold on a worker (default above 256 KiB)' },
    {
      label: 'compact 5 MB, Y.mergeUpdates inline (rejected, see below)',
      fold: async (parts) => Y.mergeUpdates(parts as Uint8Array[]),
    },
  ]
  for (const { label, fold } of variants) {
    const store = new SqliteStore(freshFile(), fold ? { compactUpdates: fold } : {})
    await store.append([{ room: 'big', update: snapshot }])
    await store.compact('big')
    console.log(row(label, await timeCompactions(store, 'big', rows)))
    if (!fold)
      console.log(row('load 5 MB from the store (read + CRC-32)', await timeSync(() => store.load('big'))))
    await store.close()
  }
  const smallStore = new SqliteStore(freshFile())
  const smallRuns = await timeCompactions(smallStore, 'small', small)
  console.log(row('compact a small document with 1000 typing rows (inline)', smallRuns))
  await smallStore.close()

  // A store compacting with Y.mergeUpdates would hold a snapshot merged over and over; this is what
  // loading one costs the room, against the encodeStateAsUpdate form that compactUpdates stores.
  let merged: Uint8Array | null = null
  for (let i = 0; i < edits.length; i += LOG_ROWS_BEFORE_COMPACTION) {
    const batch = edits.slice(i, i + LOG_ROWS_BEFORE_COMPACTION)
    merged = Y.mergeUpdates(merged ? [merged, ...batch] : batch)
  }
  const mergedSnapshot = merged!
  const mergedMb = (mergedSnapshot.byteLength / 1024 / 1024).toFixed(2)
  const applyStored = await timeSync(() => Y.applyUpdate(new Y.Doc(), snapshot))
  console.log(row('room load: Y.applyUpdate of the stored 5 MB snapshot', applyStored))
  const applyMerged = await timeSync(() => Y.applyUpdate(new Y.Doc(), mergedSnapshot))
  console.log(row(`room load: Y.applyUpdate of a repeatedly merged snapshot (${mergedMb} MB)`, applyMerged))
}

try {
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), databases in ${dir}`,
  )
  await benchAppends()
  await benchCompaction()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
