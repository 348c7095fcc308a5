import { describe, expect, it } from 'vitest'
import type { VersionRecord } from './DocumentStore'
import { planVersionPruning } from './versionRetention'

const HOUR = 3_600_000
const NOW = 1_800_000_000_000

function auto(id: string, ageMs: number, bytes = 10): VersionRecord {
  return {
    documentId: 'd',
    versionId: id,
    kind: 'auto',
    name: null,
    createdAt: NOW - ageMs,
    bytes,
    editors: [],
    clients: [],
  }
}

const ROOMY = { maxCount: 1000, maxBytes: 1e9 }

describe('planVersionPruning', () => {
  it('keeps every automatic version of the last day', () => {
    const versions = [auto('a', 1000), auto('b', 2000), auto('c', 23 * HOUR)]
    expect(planVersionPruning(versions, ROOMY, NOW, 'a')).toEqual([])
  })

  it('keeps the newest automatic version per hour after a day, per day after a week', () => {
    const base = Math.floor((NOW - 30 * HOUR) / HOUR) * HOUR
    const hourOld = NOW - base
    const versions = [
      auto('new', 1000),
      auto('h1', hourOld - 120_000), // same hour slot as h2, newer: kept
      auto('h2', hourOld - 60_000),
      auto('d1', 9 * 24 * HOUR),
      auto('d2', 9 * 24 * HOUR + 1000),
    ].sort((x, y) => y.createdAt - x.createdAt)
    const doomed = planVersionPruning(versions, ROOMY, NOW, 'new')
    expect(doomed.sort()).toEqual(['d2', 'h2'])
  })

  it('never drops named versions or the one just added, even past the bounds', () => {
    const named: VersionRecord = { ...auto('n', 30 * 24 * HOUR), kind: 'named', name: 'N' }
    const versions = [auto('new', 0), auto('old', 1000), named]
    expect(planVersionPruning(versions, { maxCount: 1, maxBytes: 1e9 }, NOW, 'new')).toEqual(['old'])
  })
})
