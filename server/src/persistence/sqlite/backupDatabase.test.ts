import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { docFrom, expectStorageError, typingUpdates } from '../documentStoreContract'
import { backupDatabase } from './backupDatabase'
import { SqliteStore } from './SqliteStore'

describe('backupDatabase', () => {
  let dir: string
  let source: string
  const stores: SqliteStore[] = []

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-backup-'))
    source = path.join(dir, 'tandem.db')
  })
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  function open(file: string): SqliteStore {
    const store = new SqliteStore(file)
    stores.push(store)
    return store
  }

  it('copies a database that another connection keeps writing; the copy opens and has the rows', async () => {
    const writer = open(source)
    const updates = typingUpdates(Array.from({ length: 3000 }, (_, n) => `${n} `))
    await writer.append(updates.slice(0, 2000).map((update) => ({ room: 'r', update })))
    await writer.compact('r')
    await writer.append(updates.slice(2000, 2500).map((update) => ({ room: 'r', update })))
    const destination = path.join(dir, 'backup.db')
    let done = false
    const backup = backupDatabase(source, destination).finally(() => {
      done = true
    })
    // The backup steps on setImmediate; yielding the same way puts commits between its steps.
    let next = 2500
    while (!done && next < updates.length) {
      await writer.append([{ room: 'r', update: updates[next++]! }])
      await new Promise(setImmediate)
    }
    const { pages } = await backup
    expect(next).toBeGreaterThan(2500)
    expect(pages).toBeGreaterThan(1)
    expect(fs.statSync(destination).mode & 0o777).toBe(0o600)

    // A consistent copy of sequential typing is a prefix of the final text, at least as long as
    // what was there when the backup started.
    const full = updates.map((_, n) => `${n} `).join('')
    const copied = docFrom(await open(destination).load('r'))
      .getText('t')
      .toString()
    expect(full.startsWith(copied)).toBe(true)
    expect(copied.length).toBeGreaterThanOrEqual(full.indexOf('2500 '))
  })

  it('refuses to overwrite an existing file and leaves nothing behind when the source is missing', async () => {
    await open(source).close()
    const existing = path.join(dir, 'existing.db')
    fs.writeFileSync(existing, 'keep me')
    await expectStorageError(backupDatabase(source, existing), 'unavailable')
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me')

    const destination = path.join(dir, 'out.db')
    await expectStorageError(backupDatabase(path.join(dir, 'missing.db'), destination), 'unavailable')
    expect(fs.existsSync(destination)).toBe(false)
  })
})
