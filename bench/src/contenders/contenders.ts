/**
 * The servers under test and how to launch each as its own process: Tandem (durable and in-memory),
 * the official y-websocket server's own bin (with and without LevelDB), Hocuspocus (with and without
 * its SQLite extension), and a bare ws relay.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import type { WireKind } from '../load/wireCodec'

export const CONTENDER_IDS = [
  'tandem-sqlite',
  'tandem-process',
  'tandem-memory',
  'y-websocket',
  'y-websocket-leveldb',
  'hocuspocus',
  'hocuspocus-sqlite',
  'relay',
] as const
export type ContenderId = (typeof CONTENDER_IDS)[number]

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** What production runs (Dockerfile, `npm start`): the compiled server, built once per bench process. */
const TANDEM_BUILD = path.join(REPO_ROOT, 'server/dist/main.js')
let tandemBuilt = false

function buildTandem(): string {
  if (!tandemBuilt) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'server/build.mjs')], { stdio: 'inherit' })
    tandemBuilt = true
  }
  return TANDEM_BUILD
}
const CONTENDERS_DIR = fileURLToPath(new URL('./', import.meta.url))
const requireFromBench = createRequire(new URL('../../package.json', import.meta.url))

/** What to execute; `node` arguments come first so profiling flags can be slotted in. */
export interface LaunchSpec {
  readonly nodeArgs: readonly string[]
  readonly script: string
  readonly env: Readonly<Record<string, string>>
}

export interface LaunchOptions {
  readonly port: number
  readonly dataDir: string
  readonly secret: string
  readonly redisUrl?: string
}

export interface Contender {
  readonly id: ContenderId
  /** Column heading in RESULTS.md. */
  readonly label: string
  readonly wire: WireKind
  /** False for the relay: it keeps no document, so joins and reconnects carry no state. */
  readonly holdsDocuments: boolean
  /** Connection URL for one room. */
  url(port: number, room: string, token: string): string
  launch(options: LaunchOptions): LaunchSpec
}

/**
 * Our own launchers of the anchors (the bare relay, Hocuspocus) compiled to JavaScript once per bench
 * process, as Tandem is: under `--import tsx` the relay started with ~26 MB more resident memory,
 * which the heap then reused for connections, so its per-connection figure (workload 5) came out
 * ~2 KiB lower than the same code compiled, and its restart paid for the loader.
 */
const COMPILED_DIR = path.join(REPO_ROOT, 'bench/dist')
const compiled = new Map<string, string>()

function compileLauncher(file: string): string {
  let script = compiled.get(file)
  if (!script) {
    script = path.join(COMPILED_DIR, `${path.basename(file, '.ts')}.mjs`)
    // Not bundled: the packages load from node_modules as each anchor's own users would load them.
    buildSync({
      entryPoints: [path.join(CONTENDERS_DIR, file)],
      outfile: script,
      format: 'esm',
      platform: 'node',
    })
    compiled.set(file, script)
  }
  return script
}

/**
 * Tandem's per-connection and per-room guards, raised above what the workloads need: 20,000 updates
 * over one socket at once (workload 6), 1,500 observers in one room (workload 3), closed-loop writers
 * at thousands of updates a second (workload 8), 2,500 people's presence in one room (workload 4).
 * The anchors have no such limits. Everything else runs with Tandem's defaults.
 */
const TANDEM_LIMITS = {
  MAX_CONNECTIONS: '100000',
  MAX_ROOM_CONNECTIONS: '100000',
  MAX_MESSAGES_PER_SECOND: '1000000',
  MAX_MESSAGES_BURST: '1000000',
  MAX_BYTES_PER_SECOND: String(1024 ** 3),
  MAX_BYTES_BURST: String(1024 ** 3),
  MAX_ROOM_PRESENCE: '10000',
}

/** Tandem as its operators would run it: SQLite at either durability, or nothing kept (memory). */
const TANDEM_VARIANTS = {
  'tandem-sqlite': { label: 'Tandem (SQLite)', storage: 'sqlite', durability: 'fsync' },
  'tandem-process': {
    label: 'Tandem (SQLite, DURABILITY=process)',
    storage: 'sqlite',
    durability: 'process',
  },
  'tandem-memory': { label: 'Tandem (memory)', storage: 'memory', durability: 'fsync' },
} as const

function tandem(id: keyof typeof TANDEM_VARIANTS): Contender {
  const { label, storage, durability } = TANDEM_VARIANTS[id]
  return {
    id,
    label,
    wire: 'y-websocket',
    holdsDocuments: true,
    url: (port, room, token) => `ws://127.0.0.1:${port}/ws/${room}?token=${token}`,
    launch: ({ port, dataDir, secret, redisUrl }) => ({
      nodeArgs: [],
      script: buildTandem(),
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        STORAGE: storage,
        DURABILITY: durability,
        TANDEM_SECRET: secret,
        LOG_LEVEL: 'warn',
        ...TANDEM_LIMITS,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
    }),
  }
}

const yWebsocket: Contender = {
  id: 'y-websocket',
  label: 'y-websocket server',
  wire: 'y-websocket',
  holdsDocuments: true,
  url: (port, room) => `ws://127.0.0.1:${port}/${room}`,
  // The package's own bin, as users run it (its default listen backlog, no persistence).
  launch: ({ port }) => ({
    nodeArgs: [],
    script: path.join(
      path.dirname(requireFromBench.resolve('@y/websocket-server/package.json')),
      'src/server.js',
    ),
    env: { PORT: String(port), HOST: '127.0.0.1' },
  }),
}

/**
 * What a y-websocket user who needs persistence runs: the same bin with `YPERSISTENCE`, which stores
 * every update in LevelDB (y-leveldb). It writes after broadcasting and without waiting, so it is
 * durable neither before anyone sees an update nor against a kill; it is the durable option offered.
 */
const yWebsocketLeveldb: Contender = {
  ...yWebsocket,
  id: 'y-websocket-leveldb',
  label: 'y-websocket server + LevelDB',
  launch: (options) => {
    const plain = yWebsocket.launch(options)
    return { ...plain, env: { ...plain.env, YPERSISTENCE: options.dataDir } }
  },
}

const hocuspocus: Contender = {
  id: 'hocuspocus',
  label: 'Hocuspocus',
  wire: 'hocuspocus',
  holdsDocuments: true,
  // One socket per simulated user, as one browser tab per user would have; the document is in every frame.
  url: (port) => `ws://127.0.0.1:${port}/`,
  launch: ({ port }) => ({
    nodeArgs: [],
    script: compileLauncher('hocuspocusServer.ts'),
    env: { PORT: String(port), HOST: '127.0.0.1' },
  }),
}

/**
 * What a Hocuspocus user who needs persistence runs: its SQLite extension (better-sqlite3), which
 * stores the whole document debounced (2 s after the last change, at most every 10 s), so an update
 * is durable neither before anyone sees it nor against a kill within that window.
 */
const hocuspocusSqlite: Contender = {
  ...hocuspocus,
  id: 'hocuspocus-sqlite',
  label: 'Hocuspocus + SQLite',
  launch: (options) => {
    const plain = hocuspocus.launch(options)
    return {
      ...plain,
      env: { ...plain.env, HOCUSPOCUS_SQLITE: path.join(options.dataDir, 'hocuspocus.sqlite') },
    }
  },
}

const relay: Contender = {
  id: 'relay',
  label: 'bare ws relay',
  wire: 'relay',
  holdsDocuments: false,
  url: (port, room) => `ws://127.0.0.1:${port}/${room}`,
  launch: ({ port }) => ({
    nodeArgs: [],
    script: compileLauncher('bareRelay.ts'),
    env: { PORT: String(port), HOST: '127.0.0.1' },
  }),
}

const ALL: Record<ContenderId, Contender> = {
  'tandem-sqlite': tandem('tandem-sqlite'),
  'tandem-process': tandem('tandem-process'),
  'tandem-memory': tandem('tandem-memory'),
  'y-websocket': yWebsocket,
  'y-websocket-leveldb': yWebsocketLeveldb,
  hocuspocus,
  'hocuspocus-sqlite': hocuspocusSqlite,
  relay,
}

export function contender(id: ContenderId): Contender {
  return ALL[id]
}

/** Installed version of a package (looked up where npm puts it: the bench workspace, then the root). */
export function packageVersion(name: string): string {
  for (const dir of [path.join(REPO_ROOT, 'bench/node_modules'), path.join(REPO_ROOT, 'node_modules')]) {
    try {
      const manifest = readFileSync(path.join(dir, name, 'package.json'), 'utf8')
      return (JSON.parse(manifest) as { version: string }).version
    } catch {
      // not installed here; try the next place
    }
  }
  return 'unknown'
}
