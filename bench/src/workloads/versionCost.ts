/**
 * Workload 6's extra section (issue 19): what taking a version of the large document costs Tandem.
 * The document is stored in SQLite (DURABILITY=fsync) two ways, compacted (one snapshot) and with
 * typing rows in the log after the snapshot, and DocumentHistory takes automatic versions of it as
 * the server does (read, fold on a worker when large, check, insert and sync). Runs in the bench
 * process, not a server: wall time, the longest event-loop block (a 1 ms probe) and bytes stored.
 */
import path from 'node:path'
import * as Y from 'yjs'
import { DocumentHistory } from '../../../server/src/history/DocumentHistory'
import { SqliteStore } from '../../../server/src/persistence/sqlite/SqliteStore'
import { TEXT_NAME } from '../load/typingUpdates'
import { median } from '../measure/stats'
import { num, sig, table } from '../report/markdown'

export interface VersionCostFigures {
  /** Rows in the log after the snapshot (0: compacted). */
  readonly logRows: number
  readonly wallMs: number
  readonly maxBlockMs: number
  readonly versionBytes: number
}

export interface VersionCostResult {
  readonly documentBytes: number
  readonly runs: number
  readonly rows: readonly VersionCostFigures[]
}

export interface VersionCostOptions {
  /** The document's encoded state (`Y.encodeStateAsUpdate`), e.g. the bench's large document. */
  readonly state: Uint8Array
  /** Typing rows appended after the snapshot for the second measurement. */
  readonly logRows: number
  readonly runs: number
  /** Where the SQLite files go (removed with it by the caller). */
  readonly dir: string
}

const ROOM = 'big'
const RETENTION = { maxCount: 200, maxBytes: 256 * 1024 * 1024 }

/** `work`'s wall time and the longest the event loop went without running a 1 ms timer. */
async function timeWithBlocks(work: () => Promise<unknown>): Promise<{ wallMs: number; maxBlockMs: number }> {
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

/** `count` one-character typing updates in the middle of `state`'s text. */
function typingOn(state: Uint8Array, count: number): Uint8Array[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const text = doc.getText(TEXT_NAME)
  for (let i = 0; i < count; i++) text.insert(Math.floor(text.length / 2), 'x')
  doc.destroy()
  return updates
}

export async function measureVersionCost(options: VersionCostOptions): Promise<VersionCostResult> {
  const rows: VersionCostFigures[] = []
  for (const logRows of [0, options.logRows]) {
    const store = new SqliteStore(path.join(options.dir, `version-cost-${logRows}.db`))
    try {
      // Only documents in the catalog get versions.
      await store.createDocument({ id: ROOM, title: 'Large', createdAt: Date.now(), deletedAt: null })
      await store.append([{ room: ROOM, update: options.state }])
      await store.compact(ROOM)
      if (logRows > 0)
        await store.append(typingOn(options.state, logRows).map((update) => ({ room: ROOM, update })))
      const history = new DocumentHistory({ store, retention: RETENTION })
      const runs: { wallMs: number; maxBlockMs: number }[] = []
      for (let run = 0; run < options.runs; run++) {
        runs.push(
          await timeWithBlocks(() =>
            history.takeVersion({ documentId: ROOM, kind: 'auto', name: null, editors: [], clients: [] }),
          ),
        )
      }
      const [latest] = await store.listVersions(ROOM)
      rows.push({
        logRows,
        wallMs: median(runs.map((r) => r.wallMs)),
        maxBlockMs: median(runs.map((r) => r.maxBlockMs)),
        versionBytes: latest?.bytes ?? 0,
      })
    } finally {
      await store.close()
    }
  }
  return { documentBytes: options.state.byteLength, runs: options.runs, rows }
}

export function renderVersionCost(result: VersionCostResult): string {
  const rows = result.rows.map((row) => [
    row.logRows === 0 ? 'one snapshot (compacted)' : `snapshot + ${num(row.logRows)} typing rows in the log`,
    sig(row.wallMs),
    sig(row.maxBlockMs),
    num(row.versionBytes / 1024, 0),
  ])
  return [
    `### Taking a version of the ${num(result.documentBytes / 1e6, 1)} MB document`,
    '',
    'What an automatic version of the large document costs Tandem (issue 19): DocumentHistory on a SQLite ' +
      'store (DURABILITY=fsync) reads the document, folds a long log on a worker, stores the full state and ' +
      `syncs it. In the bench process, not a server; medians of ${result.runs}.`,
    '',
    table(['stored as', 'wall ms', 'longest event-loop block ms', 'version KiB'], rows),
  ].join('\n')
}
