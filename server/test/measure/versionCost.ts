/**
 * What taking a version of the 5 MB document costs (issue 19): `npx tsx server/test/measure/versionCost.ts`.
 * The same measurement `npm run bench` makes in workload 6 (bench/src/workloads/versionCost.ts), on
 * its own: the bench's 5 MB generator in SQLite (fsync), compacted and with 1000 typing rows in the
 * log; wall time, the longest event-loop block and the bytes stored, medians of three.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { largeDocument } from '../../../bench/src/load/typingUpdates'
import { measureVersionCost, renderVersionCost } from '../../../bench/src/workloads/versionCost'

const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-version-cost-'))
try {
  const state = largeDocument(5 * 1024 * 1024)
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs`)
  console.log(renderVersionCost(await measureVersionCost({ state, logRows: 1000, runs: 3, dir })))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
