/**
 * Server configuration: read once from environment variables and CLI flags, validated, frozen and
 * passed down. Nothing else in the server reads `process.env`.
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { readDurationSeconds } from './durationSeconds'
import { parseRedisTarget } from './relay/redisTarget'

export const STORAGE_KINDS = ['sqlite', 'memory'] as const
export type StorageKind = (typeof STORAGE_KINDS)[number]

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly storage: StorageKind
  readonly redisUrl: string | undefined
  /** `postgres://...` selects the Postgres store; unset keeps the embedded SQLite (or STORAGE). */
  readonly databaseUrl: string | undefined
  readonly secret: string | undefined
  readonly nodeId: string
  readonly logLevel: LogLevel
  readonly heartbeatIntervalMs: number
  readonly maxMessageBytes: number
  readonly maxBufferedBytes: number
  readonly shutdownTimeoutMs: number
  readonly compactThresholdRows: number
  readonly compactThresholdBytes: number
  readonly allowPublicCreate: boolean
  readonly staticDir: string | undefined
  readonly listenBacklog: number
  readonly trustProxy: boolean
  readonly apiRateLimitBurst: number
  readonly apiRateLimitPerSecond: number
  readonly maxConnections: number
  readonly maxRoomConnections: number
  readonly maxMessagesPerSecond: number
  readonly maxMessagesBurst: number
  readonly maxBytesPerSecond: number
  readonly maxBytesBurst: number
  readonly maxDocumentBytes: number
  readonly maxAwarenessBytes: number
  readonly maxAwarenessClientsPerConnection: number
  readonly maxRoomPresence: number
  readonly awarenessQueryIntervalMs: number
  readonly presenceWindowMaxMs: number
  readonly maxPendingBytes: number
  readonly httpHeadersTimeoutMs: number
  readonly httpRequestTimeoutMs: number
  readonly maxTokenTtlSeconds: number
  readonly upgradeRefusalBurst: number
  readonly upgradeRefusalsPerSecond: number
  readonly embedOrigins: readonly string[]
}

type Kind = 'port' | 'int' | 'string' | 'bool' | 'choice' | 'duration' | 'origins'

interface OptionSpec {
  readonly key: keyof Config
  readonly env: string
  readonly kind: Kind
  readonly choices?: readonly string[]
  /** Shown in --help; undefined means "unset". */
  readonly defaultValue: string | undefined
  readonly help: string
}

const MiB = 1024 * 1024

/** Every option, its environment variable, flag (`--kebab-case` of the variable) and default. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'port', env: 'PORT', kind: 'port', defaultValue: '1234', help: 'HTTP and WebSocket port' },
  { key: 'host', env: 'HOST', kind: 'string', defaultValue: '0.0.0.0', help: 'address to listen on' },
  { key: 'dataDir', env: 'DATA_DIR', kind: 'string', defaultValue: './data', help: 'directory of tandem.db' },
  {
    key: 'storage',
    env: 'STORAGE',
    kind: 'choice',
    choices: STORAGE_KINDS,
    defaultValue: 'sqlite',
    help: 'document store: sqlite (durable) or memory (nothing survives a restart)',
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    kind: 'string',
    defaultValue: undefined,
    help: 'postgres://... to keep documents in PostgreSQL (several hosts); unset = SQLite in DATA_DIR',
  },
  {
    key: 'redisUrl',
    env: 'REDIS_URL',
    kind: 'string',
    defaultValue: undefined,
    help: 'Redis for relaying between nodes (redis://, rediss:// or redis-cluster://h1:p1,h2:p2); unset = single node',
  },
  {
    key: 'secret',
    env: 'TANDEM_SECRET',
    kind: 'string',
    defaultValue: undefined,
    help: 'HS256 token secret; unset = generated once and kept in DATA_DIR',
  },
  {
    key: 'nodeId',
    env: 'NODE_ID',
    kind: 'string',
    defaultValue: undefined,
    help: 'node name (default random)',
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    kind: 'choice',
    choices: LOG_LEVELS,
    defaultValue: 'info',
    help: 'log level',
  },
  {
    key: 'heartbeatIntervalMs',
    env: 'HEARTBEAT_INTERVAL_MS',
    kind: 'int',
    defaultValue: '15000',
    help: 'ping interval; a socket that misses a pong is terminated',
  },
  {
    key: 'maxMessageBytes',
    env: 'MAX_MESSAGE_BYTES',
    kind: 'int',
    defaultValue: String(16 * MiB),
    help: 'largest accepted frame (close 1009 above)',
  },
  {
    key: 'maxBufferedBytes',
    env: 'MAX_BUFFERED_BYTES',
    kind: 'int',
    defaultValue: String(32 * MiB),
    help: 'outbound bytes queued for one socket before it is closed (1013)',
  },
  {
    key: 'shutdownTimeoutMs',
    env: 'SHUTDOWN_TIMEOUT_MS',
    kind: 'int',
    defaultValue: '10000',
    help: 'deadline for a graceful shutdown',
  },
  {
    key: 'compactThresholdRows',
    env: 'COMPACT_THRESHOLD_ROWS',
    kind: 'int',
    defaultValue: '1000',
    help: 'compact a document whose log has this many updates',
  },
  {
    key: 'compactThresholdBytes',
    env: 'COMPACT_THRESHOLD_BYTES',
    kind: 'int',
    defaultValue: String(4 * MiB),
    help: 'compact a document whose log has this many bytes',
  },
  {
    key: 'allowPublicCreate',
    env: 'ALLOW_PUBLIC_CREATE',
    kind: 'bool',
    defaultValue: 'true',
    help: 'anyone may create documents (false = admin token needed)',
  },
  {
    key: 'staticDir',
    env: 'STATIC_DIR',
    kind: 'string',
    defaultValue: undefined,
    help: 'built web app to serve (default client/dist when it exists)',
  },
  {
    key: 'listenBacklog',
    env: 'LISTEN_BACKLOG',
    kind: 'int',
    defaultValue: '4096',
    help: 'TCP accept backlog (reconnect storms overflow the default 511)',
  },
  {
    key: 'trustProxy',
    env: 'TRUST_PROXY',
    kind: 'bool',
    defaultValue: 'false',
    help: 'take client addresses from X-Forwarded-For (set behind a load balancer)',
  },
  {
    key: 'apiRateLimitBurst',
    env: 'API_RATE_LIMIT_BURST',
    kind: 'int',
    defaultValue: '60',
    help: 'API requests one client address may make in a burst',
  },
  {
    key: 'apiRateLimitPerSecond',
    env: 'API_RATE_LIMIT_PER_SECOND',
    kind: 'int',
    defaultValue: '2',
    help: 'sustained API requests per second per client address',
  },
  {
    key: 'maxConnections',
    env: 'MAX_CONNECTIONS',
    kind: 'int',
    defaultValue: '10000',
    help: 'WebSocket connections this node holds; further upgrades are refused with 503',
  },
  {
    key: 'maxRoomConnections',
    env: 'MAX_ROOM_CONNECTIONS',
    kind: 'int',
    defaultValue: '1000',
    help: 'connections one document may have on this node; further upgrades are refused with 503',
  },
  {
    key: 'maxMessagesPerSecond',
    env: 'MAX_MESSAGES_PER_SECOND',
    kind: 'int',
    defaultValue: '200',
    help: 'sustained messages per second one connection may send (close 4429 above)',
  },
  {
    key: 'maxMessagesBurst',
    env: 'MAX_MESSAGES_BURST',
    kind: 'int',
    defaultValue: '1000',
    help: 'messages one connection may send at once, above the sustained rate',
  },
  {
    key: 'maxBytesPerSecond',
    env: 'MAX_BYTES_PER_SECOND',
    kind: 'int',
    defaultValue: String(MiB),
    help: 'sustained bytes per second one connection may send (close 4429 above)',
  },
  {
    key: 'maxBytesBurst',
    env: 'MAX_BYTES_BURST',
    kind: 'int',
    defaultValue: String(32 * MiB),
    help: 'bytes one connection may send at once; at least MAX_MESSAGE_BYTES',
  },
  {
    key: 'maxDocumentBytes',
    env: 'MAX_DOCUMENT_BYTES',
    kind: 'int',
    defaultValue: String(64 * MiB),
    help: 'encoded size a document may grow to; an update past it is refused (close 4413)',
  },
  {
    key: 'maxAwarenessBytes',
    env: 'MAX_AWARENESS_BYTES',
    kind: 'int',
    defaultValue: String(128 * 1024),
    help: 'largest awareness (presence) update accepted (close 1009 above)',
  },
  {
    key: 'maxAwarenessClientsPerConnection',
    env: 'MAX_AWARENESS_CLIENTS_PER_CONNECTION',
    kind: 'int',
    defaultValue: '4',
    help: 'presence (awareness) client ids one connection may announce; a browser tab uses one (close 4429 above)',
  },
  {
    key: 'maxRoomPresence',
    env: 'MAX_ROOM_PRESENCE',
    kind: 'int',
    defaultValue: '2000',
    help: 'presence entries one document holds on this node; entries for new ids past it are dropped',
  },
  {
    key: 'awarenessQueryIntervalMs',
    env: 'AWARENESS_QUERY_INTERVAL_MS',
    kind: 'int',
    defaultValue: '1000',
    help: 'a connection gets at most one answer to query-awareness per interval; faster queries share the next one',
  },
  {
    key: 'presenceWindowMaxMs',
    env: 'PRESENCE_WINDOW_MAX_MS',
    kind: 'int',
    defaultValue: '50',
    help: 'presence changes go out merged, one frame per window: the next turn below 20 connections in a document, then 1 ms per 10 connections up to this',
  },
  {
    key: 'maxPendingBytes',
    env: 'MAX_PENDING_BYTES',
    kind: 'int',
    defaultValue: String(64 * 1024),
    help: 'bytes of updates a document may hold waiting for structs or deletions it lacks (close 4422 above)',
  },
  {
    key: 'httpHeadersTimeoutMs',
    env: 'HTTP_HEADERS_TIMEOUT_MS',
    kind: 'int',
    defaultValue: '10000',
    help: 'time a client has to send the headers of a request or upgrade (408 after)',
  },
  {
    key: 'httpRequestTimeoutMs',
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    kind: 'int',
    defaultValue: '30000',
    help: 'time a client has to send a whole request; at least HTTP_HEADERS_TIMEOUT_MS',
  },
  {
    key: 'maxTokenTtlSeconds',
    env: 'MAX_TOKEN_TTL',
    kind: 'duration',
    defaultValue: '30d',
    help: 'longest token lifetime accepted (exp from now and from iat): seconds or 30m, 12h, 30d; longer tokens get 401',
  },
  {
    key: 'upgradeRefusalBurst',
    env: 'UPGRADE_REFUSAL_BURST',
    kind: 'int',
    defaultValue: '60',
    help: 'refused WebSocket upgrades one client address may cause in a burst before it gets 429',
  },
  {
    key: 'upgradeRefusalsPerSecond',
    env: 'UPGRADE_REFUSALS_PER_SECOND',
    kind: 'int',
    defaultValue: '2',
    help: 'sustained refused upgrades per second per client address',
  },
  {
    key: 'embedOrigins',
    env: 'EMBED_ORIGINS',
    kind: 'origins',
    defaultValue: '*',
    help: 'origins allowed to frame /embed/* pages (CSP frame-ancestors), space- or comma-separated, or *',
  },
]

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function flagName(env: string): string {
  return `--${env.toLowerCase().replaceAll('_', '-')}`
}

function parseValue(spec: OptionSpec, raw: string): Config[keyof Config] {
  const bad = (expected: string) =>
    new ConfigError(`${spec.env} (${flagName(spec.env)}): expected ${expected}, got ${JSON.stringify(raw)}`)
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw bad('a non-empty string')
      return raw
    case 'port':
    case 'int': {
      if (!/^\d+$/.test(raw)) throw bad('a whole number')
      const value = Number(raw)
      if (spec.kind === 'port' && value > 65535) throw bad('a port 0-65535')
      if (spec.kind === 'int' && value < 1) throw bad('a positive whole number')
      return value
    }
    case 'bool':
      if (raw === 'true' || raw === '1') return true
      if (raw === 'false' || raw === '0') return false
      throw bad('true or false')
    case 'choice':
      if (!spec.choices?.includes(raw)) throw bad(`one of ${spec.choices?.join(', ')}`)
      return raw
    case 'duration': {
      const seconds = readDurationSeconds(raw)
      if (seconds === undefined || seconds < 1)
        throw bad('a duration: seconds, or a number with s, m, h or d')
      return seconds
    }
    case 'origins': {
      // Goes into a header verbatim: anything but origins (a `;`, a quote, a path) is refused here.
      const origins = raw.split(/[\s,]+/).filter((origin) => origin !== '')
      if (origins.length === 0 || !origins.every(isFrameAncestor)) {
        throw bad('* or origins like https://app.example.com, separated by spaces or commas')
      }
      return origins
    }
  }
}

/** `*`, or a scheme-and-host origin (`https://app.example.com`, `http://localhost:8080`, `https://*.example.com`). */
function isFrameAncestor(origin: string): boolean {
  return origin === '*' || /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)
}

/** Reads `--flag value` / `--flag=value` pairs; flags win over environment variables. */
function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument ${JSON.stringify(arg)} (see --help)`)
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (!OPTIONS.some((spec) => flagName(spec.env) === name)) {
      throw new ConfigError(`unknown option ${name} (see --help)`)
    }
    let value: string | undefined
    if (eq !== -1) value = arg.slice(eq + 1)
    else value = argv[++i]
    if (value === undefined) throw new ConfigError(`${name} needs a value`)
    flags.set(name, value)
  }
  return flags
}

/** Builds the validated, frozen configuration. `overrides` let tests and embedders skip env and flags. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = {},
  argv: readonly string[] = [],
  overrides: Partial<Config> = {},
): Config {
  const flags = readFlags(argv)
  const values: Record<string, unknown> = {}
  for (const spec of OPTIONS) {
    const raw = flags.get(flagName(spec.env)) ?? env[spec.env] ?? spec.defaultValue
    values[spec.key] = raw === undefined ? undefined : parseValue(spec, raw)
  }
  values.nodeId ??= randomUUID().slice(0, 8)
  if (typeof values.redisUrl === 'string') {
    try {
      parseRedisTarget(values.redisUrl)
    } catch (error) {
      throw new ConfigError(`REDIS_URL (--redis-url): ${(error as Error).message}`)
    }
  }
  const config = { ...values, ...overrides } as Config
  checkRelations(config)
  return Object.freeze({ ...config, dataDir: path.resolve(config.dataDir) })
}

/** Options that only make sense together. */
function checkRelations(config: Config): void {
  if (config.maxBytesBurst < config.maxMessageBytes) {
    // Otherwise a frame ws accepts could never pass the byte-rate limit.
    throw new ConfigError(
      `MAX_BYTES_BURST (${config.maxBytesBurst}) must be at least MAX_MESSAGE_BYTES (${config.maxMessageBytes})`,
    )
  }
  if (config.httpRequestTimeoutMs < config.httpHeadersTimeoutMs) {
    // Node refuses to start an HTTP server with headersTimeout above requestTimeout.
    throw new ConfigError(
      `HTTP_REQUEST_TIMEOUT_MS (${config.httpRequestTimeoutMs}) must be at least HTTP_HEADERS_TIMEOUT_MS (${config.httpHeadersTimeoutMs})`,
    )
  }
}

export function helpText(): string {
  const rows = OPTIONS.map((spec) => {
    const def = spec.defaultValue === undefined ? 'unset' : spec.defaultValue
    return `  ${flagName(spec.env).padEnd(26)} ${spec.env.padEnd(24)} ${spec.help} (default: ${def})`
  })
  return ['Usage: tandem-server [options]', '', '  flag                       environment', ...rows].join(
    '\n',
  )
}
