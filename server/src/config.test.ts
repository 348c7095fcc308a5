import path from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type Config,
  ConfigError,
  helpText,
  type LogLevel,
  loadConfig,
  OPTIONS,
  type StoreTarget,
} from './config'
import type { RedisTarget } from './relay/redisTarget'

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig()
    expect(config).toMatchObject({
      port: 1234,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      redis: undefined,
      heartbeatIntervalMs: 15000,
      maxMessageBytes: 16 * 1024 * 1024,
      store: { kind: 'sqlite', dataDir: path.resolve('./data') },
      allowPublicCreate: true,
    })
    expect(config.nodeId).toMatch(/^[0-9a-f]{8}$/)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads environment variables, and flags win over them', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug' }, ['--port', '9090', '--node-id=n1'])
    expect(config).toMatchObject({ port: 9090, logLevel: 'debug', nodeId: 'n1' })
  })

  it('names the bad option in its error', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT \(--port\): expected a whole number/)
    expect(() => loadConfig({ STORAGE: 'floppy' })).toThrow(
      'STORAGE (--storage): expected one of sqlite, postgres, memory, got "floppy"',
    )
    expect(() => loadConfig({}, ['--bogus', '1'])).toThrow(ConfigError)
    expect(() => loadConfig({}, ['--port'])).toThrow(/--port needs a value/)
    expect(() => loadConfig({ REDIS_URL: 'http://nope' })).toThrow(
      /^REDIS_URL \(--redis-url\): REDIS_URL "http:\/\/nope": expected redis:\/\//,
    )
    expect(() => loadConfig({ REDIS_URL: 'http://nope' })).toThrow(ConfigError)
  })

  it('gives every option its typed value, derived from the table', () => {
    const config = loadConfig({ EMBED_ORIGINS: 'https://a.example https://b.example' })
    expectTypeOf(config.port).toEqualTypeOf<number>()
    expectTypeOf(config.logLevel).toEqualTypeOf<LogLevel>()
    expectTypeOf(config.allowPublicCreate).toEqualTypeOf<boolean>()
    expectTypeOf(config.staticDir).toEqualTypeOf<string | undefined>()
    expectTypeOf(config.nodeId).toEqualTypeOf<string>()
    expectTypeOf(config.redis).toEqualTypeOf<RedisTarget | undefined>()
    expectTypeOf(config.store).toEqualTypeOf<StoreTarget>()
    expectTypeOf(config.embedOrigins).toEqualTypeOf<readonly string[]>()
    // The two settings of the store choice exist only as the resolved target.
    expectTypeOf<Config>().not.toHaveProperty('storage')
    expectTypeOf<Config>().not.toHaveProperty('databaseUrl')
    expect(config.embedOrigins).toEqual(['https://a.example', 'https://b.example'])
    const keys = new Set<string>(OPTIONS.map((spec) => spec.key))
    expect(keys.size).toBe(OPTIONS.length)
  })

  it('parses REDIS_URL once into the target the relay connects to', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6380/2' }).redis).toEqual({
      mode: 'standalone',
      url: 'redis://127.0.0.1:6380/2',
    })
    expect(loadConfig({}, ['--redis-url', 'redis-cluster://h1:7000,h2:7001']).redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
    })
    expect(() => loadConfig({ REDIS_URL: 'redis-cluster://h1' })).toThrow(
      /^REDIS_URL \(--redis-url\): .*expected host:port, got "h1"/,
    )
  })

  describe('store target (STORAGE and DATABASE_URL: one choice)', () => {
    const url = 'postgres://tandem:pw@db:5432/tandem'

    it('is SQLite in DATA_DIR by default, memory with STORAGE=memory', () => {
      expect(loadConfig({ DATA_DIR: '/srv/tandem' }).store).toEqual({
        kind: 'sqlite',
        dataDir: '/srv/tandem',
      })
      expect(loadConfig({ STORAGE: 'sqlite', DATA_DIR: 'rel' }).store).toEqual({
        kind: 'sqlite',
        dataDir: path.resolve('rel'),
      })
      expect(loadConfig({ STORAGE: 'memory' }).store).toEqual({ kind: 'memory' })
      expect(loadConfig({}, [], { storage: 'memory' }).store).toEqual({ kind: 'memory' })
    })

    it('is PostgreSQL when DATABASE_URL is set, as before STORAGE=postgres existed, or with both', () => {
      expect(loadConfig({ DATABASE_URL: url }).store).toEqual({ kind: 'postgres', url })
      expect(loadConfig({ STORAGE: 'postgres', DATABASE_URL: url }).store).toEqual({ kind: 'postgres', url })
      expect(loadConfig({}, ['--database-url', url]).store).toEqual({ kind: 'postgres', url })
    })

    it('refuses a contradiction instead of ignoring one of the settings', () => {
      // STORAGE=memory used to win silently over DATABASE_URL, and DATABASE_URL over STORAGE=sqlite.
      for (const storage of ['memory', 'sqlite']) {
        expect(() => loadConfig({ STORAGE: storage, DATABASE_URL: url })).toThrow(ConfigError)
        expect(() => loadConfig({ STORAGE: storage, DATABASE_URL: url })).toThrow(
          `DATABASE_URL is set but STORAGE=${storage}: unset STORAGE (or set it to postgres) to keep documents in PostgreSQL, or unset DATABASE_URL`,
        )
      }
      expect(() => loadConfig({ STORAGE: 'postgres' })).toThrow(
        /^STORAGE=postgres needs DATABASE_URL \(--database-url\)/,
      )
      expect(() => loadConfig({ DATABASE_URL: '' })).toThrow(
        'DATABASE_URL (--database-url): expected a non-empty string, got ""',
      )
    })
  })

  it('has limits with defaults that leave normal use alone, and refuses ones that contradict each other', () => {
    expect(loadConfig()).toMatchObject({
      maxConnections: 10_000,
      maxRoomConnections: 1000,
      maxMessagesPerSecond: 200,
      maxMessagesBurst: 1000,
      maxBytesPerSecond: 1024 * 1024,
      maxBytesBurst: 32 * 1024 * 1024,
      maxDocumentBytes: 64 * 1024 * 1024,
      maxAwarenessBytes: 128 * 1024,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
    })
    expect(() => loadConfig({ MAX_BYTES_BURST: '1000', MAX_MESSAGE_BYTES: '2000' })).toThrow(
      /MAX_BYTES_BURST/,
    )
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS/,
    )
    expect(() => loadConfig({ MAX_DOCUMENT_BYTES: '0' })).toThrow(/positive whole number/)
  })

  it('lists every option with its default in --help', () => {
    const help = helpText()
    for (const spec of OPTIONS) expect(help).toContain(spec.env)
    expect(help).toContain('(default: 1234)')
  })

  it('reads webhook endpoints, refuses unsafe ones, and needs a secret with them', () => {
    const secret = 'whsec-0123456789abcdef'
    const config = loadConfig({
      WEBHOOK_URLS: 'https://hooks.example.com/tandem, http://10.0.0.5:8080/in',
      WEBHOOK_SECRET: secret,
    })
    expect(config.webhookUrls).toEqual(['https://hooks.example.com/tandem', 'http://10.0.0.5:8080/in'])
    expect(config.webhookDebounceMs).toBe(10_000)
    expect(loadConfig({}).webhookUrls).toBeUndefined()
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://hooks.example.com' })).toThrow(/WEBHOOK_SECRET/)
    for (const bad of [
      'ftp://x',
      'https://user:pw@x.example',
      'not a url',
      ',',
      Array(11).fill('https://a.example').join(','),
    ]) {
      expect(() => loadConfig({ WEBHOOK_URLS: bad, WEBHOOK_SECRET: secret }), bad).toThrow(/WEBHOOK_URLS/)
    }
    expect(() => loadConfig({ WEBHOOK_SECRET: 'short' })).toThrow(/at least 16/)
    expect(() => loadConfig({ WEBHOOK_SECRET: 'short' })).not.toThrow(/short/)
    expect(() => loadConfig({ WEBHOOK_DEBOUNCE_MS: '3600001' })).toThrow(/WEBHOOK_DEBOUNCE_MS/)
  })
})
