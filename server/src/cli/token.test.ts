import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { SECRET_FILE_NAME } from '../auth/secretFile'
import { TokenVerifier } from '../auth/TokenVerifier'
import { parseDuration, parseTokenArgs, UsageError } from './token'

const run = promisify(execFile)
const script = fileURLToPath(new URL('./token.ts', import.meta.url))
const directories: string[] = []

afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
})

/** Runs the CLI as operators do, with only DATA_DIR (and optionally TANDEM_SECRET) set. */
async function runCli(args: string[], env: Record<string, string>) {
  const { TANDEM_SECRET: _ignored, ...inherited } = process.env
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...inherited, ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('parseDuration', () => {
  it('reads seconds and s/m/h/d suffixes', () => {
    expect([
      parseDuration('90'),
      parseDuration('30s'),
      parseDuration('30m'),
      parseDuration('1h'),
      parseDuration('7d'),
    ]).toEqual([90, 30, 1800, 3600, 604_800])
  })

  it('refuses anything else with a clear message', () => {
    for (const bad of ['', 'h', '1.5h', '-1h', '1w', '0', '1 hour', '4000d']) {
      expect(() => parseDuration(bad), bad).toThrow(UsageError)
    }
    expect(() => parseDuration('1w')).toThrow(/--ttl: expected a duration like 30m, 1h or 7d/)
  })
})

describe('parseTokenArgs', () => {
  it('reads every flag in both spellings, with defaults for ttl and sub', () => {
    const args = parseTokenArgs([
      '--room',
      'doc-1',
      '--role=viewer',
      '--name',
      'Ann Lee',
      '--ttl=30m',
      '--sub',
      'u-7',
    ])
    expect(args).toEqual({ room: 'doc-1', role: 'viewer', name: 'Ann Lee', ttlSeconds: 1800, sub: 'u-7' })
    const defaults = parseTokenArgs(['--room', '*', '--role', 'editor'])
    expect(defaults).toMatchObject({ room: '*', ttlSeconds: 3600, name: undefined })
    expect(defaults?.sub).toMatch(/^[0-9a-f-]{36}$/)
    expect(parseTokenArgs(['--help'])).toBeUndefined()
  })

  it('names the problem', () => {
    expect(() => parseTokenArgs(['--role', 'editor'])).toThrow('--room is required')
    expect(() => parseTokenArgs(['--room', 'a b', '--role', 'editor'])).toThrow(/--room: expected/)
    expect(() => parseTokenArgs(['--room', 'r', '--role', 'admin'])).toThrow(
      /--role: expected editor or commenter or viewer/,
    )
    expect(() => parseTokenArgs(['--room', 'r', '--role', 'editor', '--nmae', 'x'])).toThrow(
      /unknown argument "--nmae"/,
    )
    expect(() => parseTokenArgs(['--room'])).toThrow('--room needs a value')
  })
})

describe('token CLI', () => {
  it('prints a token signed with the secret it keeps in DATA_DIR, and exits 2 on bad arguments', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-'))
    directories.push(dataDir)
    const ok = await runCli(['--room', 'doc-1', '--role', 'viewer', '--name', 'Ann', '--ttl', '30m'], {
      DATA_DIR: dataDir,
    })
    expect(ok.code).toBe(0)
    expect(ok.stderr).toContain('generated a new secret')
    const secret = (await readFile(path.join(dataDir, SECRET_FILE_NAME), 'utf8')).trim()
    expect(ok.stderr).not.toContain(secret)
    const claims = await new TokenVerifier(secret).verify(ok.stdout.trim(), 'doc-1')
    expect(claims).toMatchObject({ room: 'doc-1', role: 'viewer', name: 'Ann' })
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(1700)

    const withSecret = await runCli(['--room', '*', '--role', 'editor'], {
      DATA_DIR: dataDir,
      TANDEM_SECRET: 'explicit-secret',
    })
    expect(withSecret.stderr).toBe('')
    await expect(
      new TokenVerifier('explicit-secret').verify(withSecret.stdout.trim(), 'any'),
    ).resolves.toMatchObject({ room: '*' })

    const bad = await runCli(['--room', 'doc-1'], { DATA_DIR: dataDir })
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toContain('--role is required')
  })

  it('mints only within MAX_TOKEN_TTL, so every token it prints is one the server accepts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-cli-'))
    directories.push(dataDir)
    const env = { DATA_DIR: dataDir, TANDEM_SECRET: 'explicit-secret' }
    const tooLong = await runCli(['--room', 'doc-1', '--role', 'editor', '--ttl', '31d'], env)
    expect(tooLong.code).toBe(2)
    expect(tooLong.stdout).toBe('')
    expect(tooLong.stderr).toContain('at most MAX_TOKEN_TTL (2592000 s)')

    const raised = await runCli(['--room', 'doc-1', '--role', 'editor', '--ttl', '31d'], {
      ...env,
      MAX_TOKEN_TTL: '60d',
    })
    expect(raised.code).toBe(0)
    const verifier = new TokenVerifier('explicit-secret', { maxLifetimeSeconds: 60 * 86_400 })
    await expect(verifier.verify(raised.stdout.trim(), 'doc-1')).resolves.toMatchObject({ room: 'doc-1' })
    const lowered = await runCli(['--room', 'doc-1', '--role', 'editor'], { ...env, MAX_TOKEN_TTL: '10m' })
    expect(lowered.code).toBe(2)
  })
})
