import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveSecret, SECRET_FILE_NAME } from './secretFile'

const directories: string[] = []

afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'tandem-secret-'))
  directories.push(directory)
  return directory
}

describe('resolveSecret', () => {
  it('uses TANDEM_SECRET when set and writes nothing', async () => {
    const dataDir = await tempDir()
    expect(await resolveSecret({ secret: 'configured', dataDir })).toEqual({
      secret: 'configured',
      generated: false,
      path: undefined,
      weak: true,
    })
    expect((await resolveSecret({ secret: 'x'.repeat(32), dataDir })).weak).toBe(false)
    await expect(stat(path.join(dataDir, SECRET_FILE_NAME))).rejects.toThrow(/ENOENT/)
  })

  it('generates a 0600 secret file once, in a data directory it creates, and reuses it', async () => {
    const dataDir = path.join(await tempDir(), 'nested', 'data')
    const first = await resolveSecret({ secret: undefined, dataDir })
    const file = path.join(dataDir, SECRET_FILE_NAME)
    expect(first).toMatchObject({ generated: true, path: file, weak: false })
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readFile(file, 'utf8')).trim()).toBe(first.secret)

    const second = await resolveSecret({ secret: undefined, dataDir })
    expect(second).toEqual({ secret: first.secret, generated: false, path: file, weak: false })
  })

  it('agrees on one secret when many starts race, and leaves no temporary files', async () => {
    const dataDir = await tempDir()
    const results = await Promise.all(
      Array.from({ length: 8 }, () => resolveSecret({ secret: undefined, dataDir })),
    )
    expect(new Set(results.map((result) => result.secret)).size).toBe(1)
    expect(results.filter((result) => result.generated)).toHaveLength(1)
    expect(await readdir(dataDir)).toEqual([SECRET_FILE_NAME])
  })

  it('refuses an empty secret file instead of signing with an empty key', async () => {
    const dataDir = await tempDir()
    await writeFile(path.join(dataDir, SECRET_FILE_NAME), '\n', { mode: 0o600 })
    await expect(resolveSecret({ secret: undefined, dataDir })).rejects.toThrow(/empty/)
  })
})
