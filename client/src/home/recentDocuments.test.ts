// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../storage/memoryStorage'
import {
  findRecentDocument,
  forgetDocument,
  MAX_RECENT_DOCUMENTS,
  readRecentDocuments,
  rememberDocument,
  updateRecentTitle,
} from './recentDocuments'

describe('recent documents', () => {
  it('keeps the newest first and merges links per document', () => {
    const storage = createMemoryStorage()
    rememberDocument(storage, { id: 'a', title: 'First', links: { editor: '/d/a#key=e' }, openedAt: 1 })
    rememberDocument(storage, { id: 'b', links: { viewer: '/d/b#key=v' }, openedAt: 2 })
    rememberDocument(storage, { id: 'a', links: { viewer: '/d/a#key=v' }, openedAt: 3 })
    const list = readRecentDocuments(storage)
    expect(list.map((entry) => entry.id)).toEqual(['a', 'b'])
    expect(list[0]).toEqual({
      id: 'a',
      title: 'First',
      links: { editor: '/d/a#key=e', viewer: '/d/a#key=v' },
      openedAt: 3,
    })
    expect(findRecentDocument(storage, 'b')?.title).toBe('')
  })

  it(`remembers at most ${MAX_RECENT_DOCUMENTS} documents`, () => {
    const storage = createMemoryStorage()
    for (let index = 0; index < MAX_RECENT_DOCUMENTS + 5; index++) {
      rememberDocument(storage, { id: `d${index}`, links: { editor: `/d/d${index}#key=k` }, openedAt: index })
    }
    const list = readRecentDocuments(storage)
    expect(list).toHaveLength(MAX_RECENT_DOCUMENTS)
    expect(list[0]?.id).toBe(`d${MAX_RECENT_DOCUMENTS + 4}`)
  })

  it('updates titles in place and forgets documents', () => {
    const storage = createMemoryStorage()
    rememberDocument(storage, { id: 'a', links: {}, openedAt: 1 })
    rememberDocument(storage, { id: 'b', links: {}, openedAt: 2 })
    updateRecentTitle(storage, 'a', 'Renamed')
    expect(readRecentDocuments(storage).map((entry) => [entry.id, entry.title])).toEqual([
      ['b', ''],
      ['a', 'Renamed'],
    ])
    forgetDocument(storage, 'b')
    expect(readRecentDocuments(storage).map((entry) => entry.id)).toEqual(['a'])
  })

  it('survives corrupt storage and storage that throws', () => {
    expect(readRecentDocuments(createMemoryStorage({ 'tandem.recentDocuments': '{not json' }))).toEqual([])
    expect(
      readRecentDocuments(
        createMemoryStorage({ 'tandem.recentDocuments': JSON.stringify([{ id: 1 }, null]) }),
      ),
    ).toEqual([])
    const throwing = createMemoryStorage()
    throwing.setItem = () => {
      throw new Error('QuotaExceededError')
    }
    expect(() => rememberDocument(throwing, { id: 'a', links: {}, openedAt: 1 })).not.toThrow()
  })
})
