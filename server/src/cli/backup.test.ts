import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { docFrom, typingUpdates } from '../persistence/documentStoreContract'
import { databaseFile, SqliteStore } from '../persistence/sqlite/SqliteStore'

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url))

function runBackup(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
}

describe('npm run backup', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-backup-cli-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('backs up DATA_DIR/tandem.db while the store is open, and refuses to overwrite', async () => {
    const dataDir = path.join(dir, 'data')
    const store = new SqliteStore(databaseFile(dataDir))
    try {
      await store.append(typingUpdates(['backed ', 'up']).map((update) => ({ room: 'r', update })))
      const destination = path.join(dir, 'copy.db')
      const first = runBackup([destination], { DATA_DIR: dataDir })
      expect(first.status, first.stderr).toBe(0)
      expect(first.stdout).toContain('integrity ok')
      const copy = new SqliteStore(destination)
      expect(
        docFrom(await copy.load('r'))
          .getText('t')
          .toString(),
      ).toBe('backed up')
      await copy.close()

      const again = runBackup([destination, '--data-dir', dataDir], {})
      expect(again.status).toBe(1)
      expect(again.stderr).toContain('backup failed')
    } finally {
      await store.close()
    }
  })

  it('fails without creating a file when DATA_DIR holds no database, and explains usage', () => {
    const destination = path.join(dir, 'copy.db')
    const result = runBackup([destination], { DATA_DIR: path.join(dir, 'empty') })
    expect(result.status).toBe(1)
    expect(fs.existsSync(destination)).toBe(false)
    expect(runBackup([], {}).status).toBe(2)
  })

  it('says to use pg_dump when documents are kept in PostgreSQL, creating no file', () => {
    const destination = path.join(dir, 'copy.db')
    const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: 'postgres://tandem@127.0.0.1:1/tandem' }
    const result = runBackup([destination], env)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('back it up with pg_dump')
    expect(fs.existsSync(destination)).toBe(false)
  })
})
