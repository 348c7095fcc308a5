/**
 * Server configuration: read once from environment variables and CLI flags, validated, frozen and
 * passed down. Nothing else in the server reads `process.env`.
 *
 * `OPTIONS` is the one declaration: each option's parser gives its typed value, `OptionValues` is
 * derived from the table, and `Config` is those values with the settings that make one choice
 * (`STORAGE` + `DATABASE_URL`) resolved into a typed target.
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { readDurationSeconds } from './durationSeconds'
import { DURABILITIES } from './persistence/DocumentStore'
import { parseRedisTarget, type RedisTarget, RedisUrlError } from './relay/redisTarget'
import {
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES_PER_DOCUMENT,
  DEFAULT_MAX_UPLOADS_PER_DOCUMENT,
  DEFAULT_UPLOAD_RATE_LIMIT_BURST,
  DEFAULT_UPLOADS_PER_MINUTE,
} from './uploads/uploadLimits'

export const STORAGE_KINDS = ['sqlite', 'postgres', 'memory'] as const
export type StorageKind = (typeof STORAGE_KINDS)[number]

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Where documents are kept: `STORAGE` and `DATABASE_URL` resolved to one choice. */
export type StoreTarget =
  /** `DATA_DIR/tandem.db` (the default). */
  | { readonly kind: 'sqlite'; readonly dataDir: string }
  /** `DATABASE_URL`; selected by setting it (or `STORAGE=postgres` with it). */
  | { readonly kind: 'postgres'; readonly url: string }
  /** Nothing survives a restart (tests, benchmarks). */
  | { readonly kind: 'memory' }

/** A raw value an option's parser refuses; the message says what was expected. */
class InvalidOptionError extends Error {
  override name = 'InvalidOptionError'
}

/** Turns an option's text (never undefined: unset options skip their parser) into its typed value. */
type Parser<T> = (raw: string) => T

interface OptionSpec {
  /** The value's name in OptionValues. */
  readonly key: string
  readonly env: string
  readonly parse: Parser<unknown>
  /** Shown in --help; undefined means "unset" (the value is then undefined). */
  readonly defaultValue: string | undefined
  readonly help: string
}

const expected = (what: string, raw: string) =>
  new InvalidOptionError(`expected ${what}, got ${JSON.stringify(raw)}`)

const text: Parser<string> = (raw) => {
  if (raw === '') throw expected('a non-empty string', raw)
  return raw
}

const port: Parser<number> = (raw) => {
  if (!/^\d+$/.test(raw)) throw expected('a whole number', raw)
  const value = Number(raw)
  if (value > 65535) throw expected('a port 0-65535', raw)
  return value
}

const positiveInt: Parser<number> = (raw) => {
  if (!/^\d+$/.test(raw)) throw expected('a whole number', raw)
  const value = Number(raw)
  if (value < 1) throw expected('a positive whole number', raw)
  return value
}

const bool: Parser<boolean> = (raw) => {
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw expected('true or false', raw)
}

function oneOf<const Choice extends string>(choices: readonly Choice[]): Parser<Choice> {
  return (raw) => {
    const choice = choices.find((candidate) => candidate === raw)
    if (choice === undefined) throw expected(`one of ${choices.join(', ')}`, raw)
    return choice
  }
}

const durationSeconds: Parser<number> = (raw) => {
  const seconds = readDurationSeconds(raw)
  if (seconds === undefined || seconds < 1)
    throw expected('a duration: seconds, or a number with s, m, h or d', raw)
  return seconds
}

const frameAncestors: Parser<readonly string[]> = (raw) => {
  // Goes into a header verbatim: anything but origins (a `;`, a quote, a path) is refused here.
  const origins = raw.split(/[\s,]+/).filter((origin) => origin !== '')
  if (origins.length === 0 || !origins.every(isFrameAncestor)) {
    throw expected('* or origins like https://app.example.com, separated by spaces or commas', raw)
  }
  return origins
}

/** `*`, or a scheme-and-host origin (`https://app.example.com`, `http://localhost:8080`, `https://*.example.com`). */
function isFrameAncestor(origin: string): boolean {
  return origin === '*' || /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)
}

/** Most webhook endpoints; each event is one delivery per endpoint. */
export const MAX_WEBHOOK_URLS = 10
/** Shortest WEBHOOK_SECRET: receivers check signatures with it, so it must not be guessable. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16
/** Longest WEBHOOK_DEBOUNCE_MS: an hour; announcing edits later than that helps nobody. */
const MAX_WEBHOOK_DEBOUNCE_MS = 3_600_000

const webhookUrls: Parser<readonly string[]> = (raw) => {
  const urls = raw
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '')
  if (urls.length === 0 || urls.length > MAX_WEBHOOK_URLS || !urls.every(isWebhookUrl)) {
    throw expected(`1-${MAX_WEBHOOK_URLS} comma-separated http:// or https:// URLs`, raw)
  }
  return urls
}

function isWebhookUrl(raw: string): boolean {
  try {
    const url = new URL(raw)
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    )
  } catch {
    return false
  }
}

const webhookSecret: Parser<string> = (raw) => {
  if (raw.length < MIN_WEBHOOK_SECRET_LENGTH)
    throw expected(`at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`, raw.replace(/./g, '*'))
  return raw
}

const webhookDebounceMs: Parser<number> = (raw) => {
  const value = positiveInt(raw)
  if (value > MAX_WEBHOOK_DEBOUNCE_MS) throw expected(`at most ${MAX_WEBHOOK_DEBOUNCE_MS} ms`, raw)
  return value
}

/** Parsed once here; the relay connects to the target as it is. */
const redisTarget: Parser<RedisTarget> = (raw) => {
  try {
    return parseRedisTarget(raw)
  } catch (error) {
    if (error instanceof RedisUrlError) throw new InvalidOptionError(error.message)
    throw error
  }
}

const MiB = 1024 * 1024

/** Every option, its environment variable, flag (`--kebab-case` of the variable) and default. */
export const OPTIONS = [
  { key: 'port', env: 'PORT', parse: port, defaultValue: '1234', help: 'HTTP and WebSocket port' },
  { key: 'host', env: 'HOST', parse: text, defaultValue: '0.0.0.0', help: 'address to listen on' },
  { key: 'dataDir', env: 'DATA_DIR', parse: text, defaultValue: './data', help: 'directory of tandem.db' },
  {
    key: 'storage',
    env: 'STORAGE',
    parse: oneOf(STORAGE_KINDS),
    defaultValue: undefined,
    help: 'document store: sqlite (durable, in DATA_DIR), postgres (needs DATABASE_URL) or memory (nothing survives a restart); unset = postgres when DATABASE_URL is set, else sqlite',
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    parse: text,
    defaultValue: undefined,
    help: 'postgres://... to keep documents in PostgreSQL (several hosts); unset = SQLite in DATA_DIR',
  },
  {
    key: 'durability',
    env: 'DURABILITY',
    parse: oneOf(DURABILITIES),
    defaultValue: 'fsync',
    help: 'when an update counts as stored: fsync (on disk before anyone sees it; survives power loss) or process (with the OS or database before anyone sees it; survives a crash or kill -9 of the server, a power loss can take the last second)',
  },
  {
    key: 'redis',
    env: 'REDIS_URL',
    parse: redisTarget,
    defaultValue: undefined,
    help: 'Redis for relaying between nodes (redis://, rediss:// or redis-cluster://h1:p1,h2:p2); unset = single node',
  },
  {
    key: 'secret',
    env: 'TANDEM_SECRET',
    parse: text,
    defaultValue: undefined,
    help: 'HS256 token secret; unset = generated once and kept in DATA_DIR',
  },
  {
    key: 'nodeId',
    env: 'NODE_ID',
    parse: text,
    defaultValue: undefined,
    help: 'node name (default random)',
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    parse: oneOf(LOG_LEVELS),
    defaultValue: 'info',
    help: 'log level',
  },
  {
    key: 'heartbeatIntervalMs',
    env: 'HEARTBEAT_INTERVAL_MS',
    parse: positiveInt,
    defaultValue: '15000',
    help: 'ping interval; a socket that misses a pong is terminated',
  },
  {
    key: 'maxMessageBytes',
    env: 'MAX_MESSAGE_BYTES',
    parse: positiveInt,
    defaultValue: String(16 * MiB),
    help: 'largest accepted frame (close 1009 above)',
  },
  {
    key: 'maxBufferedBytes',
    env: 'MAX_BUFFERED_BYTES',
    parse: positiveInt,
    defaultValue: String(32 * MiB),
    help: 'outbound bytes queued for one socket before it is closed (1013)',
  },
  {
    key: 'shutdownTimeoutMs',
    env: 'SHUTDOWN_TIMEOUT_MS',
    parse: positiveInt,
    defaultValue: '10000',
    help: 'deadline for a graceful shutdown',
  },
  {
    key: 'compactThresholdRows',
    env: 'COMPACT_THRESHOLD_ROWS',
    parse: positiveInt,
    defaultValue: '1000',
    help: 'compact a document whose log has this many updates',
  },
  {
    key: 'compactThresholdBytes',
    env: 'COMPACT_THRESHOLD_BYTES',
    parse: positiveInt,
    defaultValue: String(4 * MiB),
    help: 'compact a document whose log has this many bytes',
  },
  {
    key: 'allowPublicCreate',
    env: 'ALLOW_PUBLIC_CREATE',
    parse: bool,
    defaultValue: 'true',
    help: 'anyone may create documents (false = admin token needed)',
  },
  {
    key: 'staticDir',
    env: 'STATIC_DIR',
    parse: text,
    defaultValue: undefined,
    help: 'built web app to serve (default client/dist when it exists)',
  },
  {
    key: 'listenBacklog',
    env: 'LISTEN_BACKLOG',
    parse: positiveInt,
    defaultValue: '4096',
    help: 'TCP accept backlog (reconnect storms overflow the default 511)',
  },
  {
    key: 'trustProxy',
    env: 'TRUST_PROXY',
    parse: bool,
    defaultValue: 'false',
    help: 'take client addresses from X-Forwarded-For (set behind a load balancer)',
  },
  {
    key: 'apiRateLimitBurst',
    env: 'API_RATE_LIMIT_BURST',
    parse: positiveInt,
    defaultValue: '60',
    help: 'API requests one client address may make in a burst',
  },
  {
    key: 'apiRateLimitPerSecond',
    env: 'API_RATE_LIMIT_PER_SECOND',
    parse: positiveInt,
    defaultValue: '2',
    help: 'sustained API requests per second per client address',
  },
  {
    key: 'maxConnections',
    env: 'MAX_CONNECTIONS',
    parse: positiveInt,
    defaultValue: '10000',
    help: 'WebSocket connections this node holds; further upgrades are refused with 503',
  },
  {
    key: 'maxRoomConnections',
    env: 'MAX_ROOM_CONNECTIONS',
    parse: positiveInt,
    defaultValue: '1000',
    help: 'connections one document may have on this node; further upgrades are refused with 503',
  },
  {
    key: 'maxMessagesPerSecond',
    env: 'MAX_MESSAGES_PER_SECOND',
    parse: positiveInt,
    defaultValue: '200',
    help: 'sustained messages per second one connection may send (close 4429 above)',
  },
  {
    key: 'maxMessagesBurst',
    env: 'MAX_MESSAGES_BURST',
    parse: positiveInt,
    defaultValue: '1000',
    help: 'messages one connection may send at once, above the sustained rate',
  },
  {
    key: 'maxBytesPerSecond',
    env: 'MAX_BYTES_PER_SECOND',
    parse: positiveInt,
    defaultValue: String(MiB),
    help: 'sustained bytes per second one connection may send (close 4429 above)',
  },
  {
    key: 'maxBytesBurst',
    env: 'MAX_BYTES_BURST',
    parse: positiveInt,
    defaultValue: String(32 * MiB),
    help: 'bytes one connection may send at once; at least MAX_MESSAGE_BYTES',
  },
  {
    key: 'maxDocumentBytes',
    env: 'MAX_DOCUMENT_BYTES',
    parse: positiveInt,
    defaultValue: String(64 * MiB),
    help: 'encoded size a document may grow to; an update past it is refused (close 4413)',
  },
  {
    key: 'maxAwarenessBytes',
    env: 'MAX_AWARENESS_BYTES',
    parse: positiveInt,
    defaultValue: String(128 * 1024),
    help: 'largest awareness (presence) update accepted (close 1009 above)',
  },
  {
    key: 'maxAwarenessClientsPerConnection',
    env: 'MAX_AWARENESS_CLIENTS_PER_CONNECTION',
    parse: positiveInt,
    defaultValue: '4',
    help: 'presence (awareness) client ids one connection may announce; a browser tab uses one (close 4429 above)',
  },
  {
    key: 'maxRoomPresence',
    env: 'MAX_ROOM_PRESENCE',
    parse: positiveInt,
    defaultValue: '2000',
    help: 'presence entries one document holds on this node; entries for new ids past it are dropped',
  },
  {
    key: 'awarenessQueryIntervalMs',
    env: 'AWARENESS_QUERY_INTERVAL_MS',
    parse: positiveInt,
    defaultValue: '1000',
    help: 'a connection gets at most one answer to query-awareness per interval; faster queries share the next one',
  },
  {
    key: 'presenceWindowMaxMs',
    env: 'PRESENCE_WINDOW_MAX_MS',
    parse: positiveInt,
    defaultValue: '50',
    help: 'presence changes go out merged, one frame per window: the next turn below 20 connections in a document, then 1 ms per 10 connections up to this',
  },
  {
    key: 'maxPendingBytes',
    env: 'MAX_PENDING_BYTES',
    parse: positiveInt,
    defaultValue: String(64 * 1024),
    help: 'bytes of updates a document may hold waiting for structs or deletions it lacks (close 4422 above)',
  },
  {
    key: 'httpHeadersTimeoutMs',
    env: 'HTTP_HEADERS_TIMEOUT_MS',
    parse: positiveInt,
    defaultValue: '10000',
    help: 'time a client has to send the headers of a request or upgrade (408 after)',
  },
  {
    key: 'httpRequestTimeoutMs',
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    parse: positiveInt,
    defaultValue: '30000',
    help: 'time a client has to send a whole request; at least HTTP_HEADERS_TIMEOUT_MS',
  },
  {
    key: 'maxTokenTtlSeconds',
    env: 'MAX_TOKEN_TTL',
    parse: durationSeconds,
    defaultValue: '30d',
    help: 'longest token lifetime accepted (exp from now and from iat): seconds or 30m, 12h, 30d; longer tokens get 401',
  },
  {
    key: 'upgradeRefusalBurst',
    env: 'UPGRADE_REFUSAL_BURST',
    parse: positiveInt,
    defaultValue: '60',
    help: 'refused WebSocket upgrades one client address may cause in a burst before it gets 429',
  },
  {
    key: 'upgradeRefusalsPerSecond',
    env: 'UPGRADE_REFUSALS_PER_SECOND',
    parse: positiveInt,
    defaultValue: '2',
    help: 'sustained refused upgrades per second per client address',
  },
  {
    key: 'maxUploadBytes',
    env: 'MAX_UPLOAD_BYTES',
    parse: positiveInt,
    defaultValue: String(DEFAULT_MAX_UPLOAD_BYTES),
    help: 'largest image one upload may be (413 above)',
  },
  {
    key: 'maxUploadsPerDocument',
    env: 'MAX_UPLOADS_PER_DOCUMENT',
    parse: positiveInt,
    defaultValue: String(DEFAULT_MAX_UPLOADS_PER_DOCUMENT),
    help: 'images one document may hold (413 above)',
  },
  {
    key: 'maxUploadBytesPerDocument',
    env: 'MAX_UPLOAD_BYTES_PER_DOCUMENT',
    parse: positiveInt,
    defaultValue: String(DEFAULT_MAX_UPLOAD_BYTES_PER_DOCUMENT),
    help: 'bytes of images one document may hold (413 above)',
  },
  {
    key: 'uploadRateLimitBurst',
    env: 'UPLOAD_RATE_LIMIT_BURST',
    parse: positiveInt,
    defaultValue: String(DEFAULT_UPLOAD_RATE_LIMIT_BURST),
    help: 'uploads one document may take in a burst (429 above)',
  },
  {
    key: 'uploadsPerMinute',
    env: 'UPLOADS_PER_MINUTE',
    parse: positiveInt,
    defaultValue: String(DEFAULT_UPLOADS_PER_MINUTE),
    help: 'sustained uploads per minute per document',
  },
  {
    key: 'embedOrigins',
    env: 'EMBED_ORIGINS',
    parse: frameAncestors,
    defaultValue: '*',
    help: 'origins allowed to frame /embed/* pages (CSP frame-ancestors), space- or comma-separated, or *',
  },
  {
    key: 'webhookUrls',
    env: 'WEBHOOK_URLS',
    parse: webhookUrls,
    defaultValue: undefined,
    help: 'endpoints that receive document events (comma-separated http(s) URLs, at most 10); unset = no webhooks',
  },
  {
    key: 'webhookSecret',
    env: 'WEBHOOK_SECRET',
    parse: webhookSecret,
    defaultValue: undefined,
    help: 'signs each webhook delivery (Tandem-Signature, HMAC-SHA256); at least 16 characters; required with WEBHOOK_URLS',
  },
  {
    key: 'webhookDebounceMs',
    env: 'WEBHOOK_DEBOUNCE_MS',
    parse: webhookDebounceMs,
    defaultValue: '10000',
    help: 'a document announces its edits (document.changed) at most once per this many ms',
  },
  {
    key: 'versionIdleMs',
    env: 'VERSION_IDLE_MS',
    parse: positiveInt,
    defaultValue: '60000',
    help: 'an automatic version is taken once editing of a document has been quiet this many ms',
  },
  {
    key: 'versionMaxIntervalMs',
    env: 'VERSION_MAX_INTERVAL_MS',
    parse: positiveInt,
    defaultValue: '600000',
    help: 'during continuous editing an automatic version is taken at least every this many ms',
  },
  {
    key: 'maxVersionsPerDocument',
    env: 'MAX_VERSIONS_PER_DOCUMENT',
    parse: positiveInt,
    defaultValue: '200',
    help: 'versions one document keeps: half named (naming past it: 413), half automatic (oldest go first, never the hourly/daily floor)',
  },
  {
    key: 'maxVersionBytesPerDocument',
    env: 'MAX_VERSION_BYTES_PER_DOCUMENT',
    parse: positiveInt,
    defaultValue: String(256 * MiB),
    help: 'bytes of versions one document keeps, likewise',
  },
  {
    key: 'historyForViewers',
    env: 'HISTORY_FOR_VIEWERS',
    parse: bool,
    defaultValue: 'true',
    help: 'viewers may browse version history (false: editors only)',
  },
] as const satisfies readonly OptionSpec[]

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function flagName(env: string): string {
  return `--${env.toLowerCase().replaceAll('_', '-')}`
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

type OptionSpecs = (typeof OPTIONS)[number]

/** The value one option parses to: undefined only for options without a default. */
type OptionValue<Spec extends OptionSpecs> =
  | ReturnType<Spec['parse']>
  | (Spec['defaultValue'] extends string ? never : undefined)

/** Every option's parsed value, by key: the type follows the table. */
export type OptionValues = { readonly [Spec in OptionSpecs as Spec['key']]: OptionValue<Spec> }

/** The configuration a node runs with. */
export type Config = Omit<OptionValues, 'storage' | 'databaseUrl' | 'nodeId'> & {
  /** `NODE_ID`, or a random 8-hex-digit name. */
  readonly nodeId: string
  /** Where documents are kept (`STORAGE` and `DATABASE_URL` resolved to one choice). */
  readonly store: StoreTarget
}

function parseOption(spec: OptionSpecs, raw: string): unknown {
  try {
    return spec.parse(raw)
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error
    throw new ConfigError(`${spec.env} (${flagName(spec.env)}): ${error.message}`)
  }
}

function readOptions(
  flags: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): OptionValues {
  const entries = OPTIONS.map((spec) => {
    const raw = flags.get(flagName(spec.env)) ?? env[spec.env] ?? spec.defaultValue
    return [spec.key, raw === undefined ? undefined : parseOption(spec, raw)] as const
  })
  // Sound by construction: every key of OptionValues is filled by its own spec's parser (or is unset).
  return Object.fromEntries(entries) as OptionValues
}

/**
 * Builds the validated, frozen configuration. `overrides` (already typed values, as OptionValues
 * holds them) let tests and embedders skip env and flags; the checks across options and the store
 * choice still apply to them.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = {},
  argv: readonly string[] = [],
  overrides: Partial<OptionValues> = {},
): Config {
  const values: OptionValues = { ...readOptions(readFlags(argv), env), ...overrides }
  checkRelations(values)
  const { storage, databaseUrl, nodeId, ...rest } = values
  const dataDir = path.resolve(values.dataDir)
  return Object.freeze({
    ...rest,
    dataDir,
    nodeId: nodeId ?? randomUUID().slice(0, 8),
    store: resolveStore(storage, databaseUrl, dataDir),
  })
}

/**
 * `STORAGE` and `DATABASE_URL` are two settings for one choice. Unset `STORAGE` follows
 * `DATABASE_URL` (as before `STORAGE=postgres` existed); a `STORAGE` that contradicts it is refused
 * rather than silently ignoring one of them.
 */
function resolveStore(
  storage: StorageKind | undefined,
  databaseUrl: string | undefined,
  dataDir: string,
): StoreTarget {
  const kind = storage ?? (databaseUrl === undefined ? 'sqlite' : 'postgres')
  if (kind === 'postgres') {
    if (databaseUrl === undefined) {
      throw new ConfigError(
        'STORAGE=postgres needs DATABASE_URL (--database-url), e.g. postgres://user:password@host:5432/tandem',
      )
    }
    return { kind, url: databaseUrl }
  }
  if (databaseUrl !== undefined) {
    throw new ConfigError(
      `DATABASE_URL is set but STORAGE=${kind}: unset STORAGE (or set it to postgres) to keep documents in PostgreSQL, or unset DATABASE_URL`,
    )
  }
  return kind === 'sqlite' ? { kind, dataDir } : { kind }
}

/** Options that only make sense together. */
function checkRelations(config: OptionValues): void {
  if (config.maxBytesBurst < config.maxMessageBytes) {
    // Otherwise a frame ws accepts could never pass the byte-rate limit.
    throw new ConfigError(
      `MAX_BYTES_BURST (${config.maxBytesBurst}) must be at least MAX_MESSAGE_BYTES (${config.maxMessageBytes})`,
    )
  }
  if (config.webhookUrls !== undefined && config.webhookSecret === undefined) {
    // Unsigned deliveries would let anyone who finds the endpoint forge events.
    throw new ConfigError('WEBHOOK_URLS needs WEBHOOK_SECRET (--webhook-secret), at least 16 characters')
  }
  if (config.httpRequestTimeoutMs < config.httpHeadersTimeoutMs) {
    // Node refuses to start an HTTP server with headersTimeout above requestTimeout.
    throw new ConfigError(
      `HTTP_REQUEST_TIMEOUT_MS (${config.httpRequestTimeoutMs}) must be at least HTTP_HEADERS_TIMEOUT_MS (${config.httpHeadersTimeoutMs})`,
    )
  }
  if (config.maxUploadBytesPerDocument < config.maxUploadBytes) {
    // Otherwise an upload under the size limit could never fit any document.
    throw new ConfigError(
      `MAX_UPLOAD_BYTES_PER_DOCUMENT (${config.maxUploadBytesPerDocument}) must be at least MAX_UPLOAD_BYTES (${config.maxUploadBytes})`,
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
