/**
 * `npm run bench`: measures Tandem side by side with the y-websocket server, Hocuspocus and a bare ws
 * relay, and writes bench/RESULTS.md. `npm run bench -- --smoke` runs everything tiny and writes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { readBenchOptions } from './benchOptions'
import { REPO_ROOT } from './contenders/contenders'
import { judgeGoals } from './report/goals'
import { readMachineInfo, readVersions } from './report/machineInfo'
import { renderResults } from './report/renderResults'
import { runBench } from './runBench'

/** BENCH_RESULTS_FILE writes a trial run elsewhere, leaving the committed results alone. */
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ?? path.join(REPO_ROOT, 'bench/RESULTS.md')
/** Sockets open at once at the peak (idle memory), with room for servers, files and pipes. */
const FD_HEADROOM = 1000

/** The soft limit on open files, from /proc (Node cannot raise its own; the npm script does). */
function openFileLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8')
    const match = /Max open files\s+(\d+)/.exec(limits)
    return match ? Number(match[1]) : Number.POSITIVE_INFINITY
  } catch {
    return Number.POSITIVE_INFINITY
  }
}

async function main(): Promise<void> {
  // Exit (rather than die) on Ctrl-C or a timeout, so the 'exit' hook kills the servers we started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))
  const options = readBenchOptions(process.argv.slice(2), process.env)
  const needed = Math.max(options.idle.connections, options.reconnect.clients) + FD_HEADROOM
  if (openFileLimit() < needed) {
    console.warn(
      `open file limit ${openFileLimit()} is below the ${needed} this run needs: raise it with ulimit -n`,
    )
  }
  const machine = readMachineInfo()
  const { results, cores } = await runBench(options, { pin: true, quiet: false })
  for (const verdict of judgeGoals(results)) {
    console.log(`goal: ${verdict.goal}: ${verdict.verdict} (${verdict.detail})`)
  }
  for (const failure of results.failures)
    console.error(`workload ${failure.workload} failed: ${failure.message}`)
  if (!options.writeResults) return
  const markdown = renderResults(
    {
      machine,
      versions: readVersions(),
      cores,
      order: options.contenders,
      command: 'npm run bench',
    },
    results,
  )
  writeFileSync(RESULTS_FILE, markdown)
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
