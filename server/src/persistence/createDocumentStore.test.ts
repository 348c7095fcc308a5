import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { createDocumentStore } from './createDocumentStore'
import { MemoryStore } from './memory/MemoryStore'
import { SqliteStore } from './sqlite/SqliteStore'

describe('createDocumentStore', () => {
  let dataDir: string

  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'tandem-create-store-')), 'data')
  })
  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true })
  })

  it('opens DATA_DIR/tandem.db for storage=sqlite (the default)', async () => {
    const store = await createDocumentStore(loadConfig({ DATA_DIR: dataDir }))
    try {
      expect(store).toBeInstanceOf(SqliteStore)
      expect(fs.existsSync(path.join(dataDir, 'tandem.db'))).toBe(true)
    } finally {
      await store.close()
    }
  })

  it('keeps everything in memory for storage=memory, touching no files', async () => {
    const store = await createDocumentStore(loadConfig({ DATA_DIR: dataDir, STORAGE: 'memory' }))
    expect(store).toBeInstanceOf(MemoryStore)
    expect(fs.existsSync(dataDir)).toBe(false)
    await store.close()
  })
})
