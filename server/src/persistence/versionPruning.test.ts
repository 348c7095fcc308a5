/**
 * Pruning deletes only versions still automatic: a version named after pruning was planned (by
 * another request or node, between the plan and the delete) stays. Run over the memory and SQLite
 * adapters; the PostgreSQL statement carries the same `kind = 'auto'` condition.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { StoredVersion } from './DocumentStore'
import { MemoryDatabase } from './memory/MemoryDatabase'
import { RowStore, type StoreAdapter } from './RowStore'
import { SqliteDatabase } from './sqlite/SqliteDatabase'
import { version } from './versionContract'

/** The adapter, with `versionId` named just before each insert: as if renamed right after planning. */
function renamingBeforeInsert(adapter: StoreAdapter, versionId: string): StoreAdapter {
  const insertVersion = adapter.insertVersion.bind(adapter)
  adapter.insertVersion = async (row) => {
    await adapter.updateVersionName(row.document_id, versionId, 'Kept')
    return insertVersion(row)
  }
  return adapter
}

const adapters: Record<string, () => StoreAdapter> = {
  memory: () => new MemoryDatabase(),
  sqlite: () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-prune-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    return new SqliteDatabase(path.join(dir, 'tandem.db'))
  },
}

describe.each(Object.keys(adapters))('pruning over %s', (name) => {
  it('keeps a version named between planning and deleting', async () => {
    const adapter = adapters[name]!()
    const store = new RowStore(adapter)
    onTestFinished(() => store.close())
    const now = Date.now()
    const bound = { maxCount: 4, maxBytes: 10_000_000 } // two automatic versions
    const add = (v: StoredVersion) => store.addVersion(v, bound)
    expect(await add(version('a1', 'one', { createdAt: now - 2000 }))).toBe('stored')
    expect(await add(version('a2', 'two', { createdAt: now - 1000 }))).toBe('stored')
    // Adding a3 plans to prune a1; a1 is named before the delete runs.
    renamingBeforeInsert(adapter, 'a1')
    expect(await add(version('a3', 'three', { createdAt: now }))).toBe('stored')
    expect((await store.listVersions('doc1')).map((v) => [v.versionId, v.kind])).toEqual([
      ['a3', 'auto'],
      ['a2', 'auto'],
      ['a1', 'named'],
    ])
  })
})
