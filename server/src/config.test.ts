import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, helpText, loadConfig, OPTIONS } from './config'

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig()
    expect(config).toMatchObject({
      port: 1234,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      redisUrl: undefined,
      heartbeatIntervalMs: 15000,
      maxMessageBytes: 16 * 1024 * 1024,
      storage: 'sqlite',
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
    expect(() => loadConfig({ STORAGE: 'floppy' })).toThrow(/STORAGE.*one of sqlite, memory/)
    expect(() => loadConfig({}, ['--bogus', '1'])).toThrow(ConfigError)
    expect(() => loadConfig({}, ['--port'])).toThrow(/--port needs a value/)
    expect(() => loadConfig({ REDIS_URL: 'http://nope' })).toThrow(/REDIS_URL/)
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
})
