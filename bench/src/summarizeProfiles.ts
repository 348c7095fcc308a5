/**
 * Prints where a server's CPU went, from the --cpu-prof files of one run:
 *   BENCH_CPU_PROF_DIR=/tmp/prof BENCH_WORKLOADS=2 BENCH_CONTENDERS=tandem-sqlite npm run bench
 *   npx tsx bench/src/summarizeProfiles.ts /tmp/prof/tandem-sqlite-<random>
 * The same summary as RESULTS.md's profile section, for any workload and contender, longer.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { summarizeCpuProfiles } from './measure/cpuProfile'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: summarizeProfiles.ts <directory of .cpuprofile files>')
  process.exit(2)
}
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.cpuprofile'))
  .map((file) => path.join(dir, file))
if (files.length === 0) {
  console.error(`no .cpuprofile in ${dir} (a profile is written only when the server stops gracefully)`)
  process.exit(1)
}
const summary = summarizeCpuProfiles(files, 30)
console.log(`${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle`)
for (const spot of summary.functions) {
  const share = `${(spot.share * 100).toFixed(1)}%`.padStart(6)
  console.log(
    `${spot.selfMs.toFixed(0).padStart(6)} ms ${share}  ${spot.name} ${spot.location ?? ''} <- ${spot.via ?? ''}`,
  )
}
for (const area of summary.areas) console.log(`${area.selfMs.toFixed(0).padStart(6)} ms  ${area.name}`)
