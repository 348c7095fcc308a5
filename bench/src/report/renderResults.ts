/** Renders one run as bench/RESULTS.md: machine, versions, goals, then every workload's tables. */
import type { CoreLayout } from '../BenchContext'
import type { ContenderId } from '../contenders/contenders'
import { renderFanout } from '../workloads/fanout'
import { renderIdleMemory } from '../workloads/idleMemory'
import { renderLargeDocumentJoin } from '../workloads/largeDocumentJoin'
import { renderThroughput } from '../workloads/maxThroughput'
import { renderReaders } from '../workloads/oneWriterManyReaders'
import { renderPersistenceAndRelay } from '../workloads/persistenceAndRelay'
import { renderPresence } from '../workloads/presence'
import { renderProfiles } from '../workloads/profileTandem'
import { renderReconnectStorm } from '../workloads/reconnectStorm'
import type { BenchResults } from './BenchResults'
import { judgeGoals } from './goals'
import type { MachineInfo, Versions } from './machineInfo'
import { num, pct, table } from './markdown'

export interface RunDescription {
  readonly machine: MachineInfo
  readonly versions: Versions
  readonly cores: CoreLayout
  readonly order: readonly ContenderId[]
  readonly command: string
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function machineSection({ machine, cores }: RunDescription, results: BenchResults): string {
  const noise = results.interference
  const interference = noise
    ? `server core: mean ${pct(noise.mean.serverCore)}, worst ${pct(noise.worst.serverCore)}; load core: mean ` +
      `${pct(noise.mean.loadCore)}, worst ${pct(noise.worst.loadCore)} (over ${noise.windows} measurement windows)`
    : 'not measured (processes not pinned)'
  return table(
    ['', ''],
    [
      ['CPU', machine.cpuModel],
      ['cores', String(machine.cores)],
      ['memory', `${num(machine.memoryGiB, 1)} GiB`],
      ['Node', machine.node],
      ['kernel', machine.kernel],
      ['load average at start (1/5/15 min)', machine.loadAverage.map((l) => l.toFixed(2)).join(' / ')],
      ['pinning', cores.note],
      ['other processes on our cores while measuring', interference],
      ['run', `${results.startedAt.toISOString()}, ${num((results.durationMs ?? 0) / 60_000, 1)} min`],
    ],
    2,
  )
}

function contendersSection({ versions }: RunDescription): string {
  return table(
    ['contender', 'version', 'how it runs'],
    [
      [
        'Tandem (SQLite)',
        `commit ${versions.tandem}`,
        '`node server/dist/main.js` (the compiled server, as production runs it, profiles included), ' +
          'STORAGE=sqlite, DURABILITY=fsync (the default: updates are on disk before anyone sees them), ' +
          'token auth on; its per-connection and per-room limits (MAX_MESSAGES_PER_SECOND, MAX_ROOM_CONNECTIONS, ...) ' +
          'raised, because workloads 3, 6 and 8 exceed them by design',
      ],
      [
        'Tandem (SQLite, DURABILITY=process)',
        'same',
        'DURABILITY=process: survives a crash or kill -9 of the server; a power loss can take the last second',
      ],
      ['Tandem (memory)', `same`, 'STORAGE=memory: nothing survives a restart'],
      [
        'y-websocket server',
        `@y/websocket-server ${versions.yWebsocketServer} (its own ws ${versions.yWebsocketServerWs})`,
        "the package's bin (`src/server.js`), no persistence. 0.1.5 is newer but needs a Yjs 14 pre-release; stock clients use Yjs 13",
      ],
      [
        'y-websocket server + LevelDB',
        'same, with y-leveldb',
        '`YPERSISTENCE=<dir>`: every update also stored in LevelDB, written after the broadcast and not awaited',
      ],
      [
        'Hocuspocus',
        `@hocuspocus/server ${versions.hocuspocus}`,
        '`bench/src/contenders/hocuspocusServer.ts` compiled to JavaScript: `new Server()` with defaults, no extensions. v4 declares Node >= 22 but runs on Node 20 here',
      ],
      [
        'Hocuspocus + SQLite',
        `same, with @hocuspocus/extension-sqlite ${versions.hocuspocusSqlite}`,
        '`HOCUSPOCUS_SQLITE=<file>`: the whole document stored through onStoreDocument, debounced (2 s after the last change, at most every 10 s)',
      ],
      [
        'bare ws relay',
        `ws ${versions.ws}`,
        '`bench/src/contenders/bareRelay.ts` compiled to JavaScript: forwards every frame to the other sockets of its room, no Yjs',
      ],
    ],
    3,
  )
}

function goalsSection(results: BenchResults): string {
  const rows = judgeGoals(results).map((verdict) => [
    escapeCell(verdict.goal),
    verdict.met === true ? `**met**` : verdict.met === false ? `**${verdict.verdict}**` : verdict.verdict,
    escapeCell(verdict.detail),
    escapeCell(verdict.limit ?? ''),
  ])
  return table(['goal (issues 16, 17)', 'verdict', 'figures', 'what limits it / notes'], rows, 4)
}

const METHOD = [
  '- Every contender runs as its own process on 127.0.0.1, pinned to one core; the load generator is this one',
  '  Node process, pinned to the other core. Sends and receipts happen in the same process, so one clock times',
  '  every delivery end to end (from the moment the writer made the update to the moment a receiver has it).',
  '- Updates are real Yjs updates: `doc` clients type into a Y.Doc and apply what they receive; the high-rate',
  '  workloads use clients that send the exact bytes Yjs emits for a keystroke and read the delivered ids off',
  "  each update's header, so the load generator stays cheaper than the servers.",
  "- Server CPU is utime + stime of the server's process from /proc over the measurement window; memory is VmRSS.",
  '- "delivered" counts updates that reached a client other than their author (the y-websocket server also',
  '  echoes every update to its author; that cost is in its CPU but not in its delivered count).',
  '- The machine is shared; figures move between runs. Ratios within one run are the figures to compare.',
].join('\n')

export function renderResults(run: RunDescription, results: BenchResults): string {
  const { order } = run
  const sections: string[] = [
    '# Tandem benchmarks',
    '',
    `Written by \`${run.command}\` (bench/src/main.ts). Do not edit by hand: rerun the benchmark.`,
    '',
    '## Machine',
    '',
    machineSection(run, results),
    '',
    '## Contenders',
    '',
    contendersSection(run),
    '',
    '## Method',
    '',
    METHOD,
    '',
    '## Goals',
    '',
    goalsSection(results),
  ]
  const workloads: Array<[string, string, string | undefined]> = [
    ['1', '1. Fan-out at a fixed load', results.fanout && renderFanout(results.fanout, order)],
    [
      '2',
      '2. Maximum sustained throughput',
      results.throughput && renderThroughput(results.throughput, order),
    ],
    ['3', '3. One writer, many readers', results.readers && renderReaders(results.readers, order)],
    ['4', '4. Presence at 1 Hz', results.presence && renderPresence(results.presence, order)],
    ['5', '5. Idle memory per connection', results.idle && renderIdleMemory(results.idle, order)],
    ['6', '6. Joining a large document', results.join && renderLargeDocumentJoin(results.join, order)],
    [
      '7',
      '7. Reconnect storm after a restart',
      results.reconnect && renderReconnectStorm(results.reconnect, order),
    ],
    [
      '8',
      '8. Persistence on vs off, and cross-node latency',
      results.persistence && renderPersistenceAndRelay(results.persistence, order),
    ],
    ['profile', "Where Tandem's CPU goes", results.profiles && renderProfiles(results.profiles)],
  ]
  for (const [key, title, body] of workloads) {
    const failure = results.failures.find((f) => f.workload === key)
    if (!body && !failure) continue
    sections.push('', `## ${title}`, '', body ?? `Failed: ${failure?.message}`)
  }
  return `${sections.join('\n')}\n`
}
