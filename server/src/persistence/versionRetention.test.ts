import { describe, expect, it } from 'vitest'
import type { VersionRecord, VersionRetention } from './DocumentStore'
import { namedVersionsFit, planVersionAdd, type VersionPlan } from './versionRetention'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Half past an hour, so versions a few seconds old share the current hour. */
const NOW = 1_800_000_000_000 + 30 * 60_000
const MIB = 1024 * 1024

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
    commentsBytes: null,
  }
}

function named(id: string, ageMs: number, bytes = 10): VersionRecord {
  return { ...auto(id, ageMs, bytes), kind: 'named', name: id }
}

const ROOMY: VersionRetention = { maxCount: 1000, maxBytes: 1e9 }
/** The defaults: 200 versions, 256 MiB. */
const DEFAULTS: VersionRetention = { maxCount: 200, maxBytes: 256 * MIB }

function doomedOf(plan: VersionPlan): string[] {
  if (plan.refused) throw new Error('refused')
  return [...plan.doomed].sort()
}

/** Adds `added` as RowStore.addVersion does: plan, then store and prune (or refuse). */
function add(versions: VersionRecord[], added: VersionRecord, retention: VersionRetention): VersionRecord[] {
  const plan = planVersionAdd(versions, added, retention, NOW)
  if (plan.refused) return versions
  return [added, ...versions]
    .filter((version) => !plan.doomed.includes(version.versionId))
    .sort((a, b) => b.createdAt - a.createdAt)
}

/** One automatic version a day for 30 days and one an hour for the last day: history before an attack. */
function history(bytes = 10): VersionRecord[] {
  const versions: VersionRecord[] = []
  for (let hour = 1; hour < 24; hour++) versions.push(auto(`h${hour}`, hour * HOUR + 1000, bytes))
  for (let day = 2; day < 30; day++) versions.push(auto(`d${day}`, day * DAY + 1000, bytes))
  return versions
}

describe('planVersionAdd', () => {
  it('keeps every automatic version of the last day', () => {
    const versions = [auto('b', 2000), auto('c', 23 * HOUR)]
    expect(doomedOf(planVersionAdd(versions, auto('a', 1000), ROOMY, NOW))).toEqual([])
  })

  it('keeps the newest automatic version per hour after a day, per day after a week', () => {
    const base = Math.floor((NOW - 30 * HOUR) / HOUR) * HOUR
    const hourOld = NOW - base
    const versions = [
      auto('h1', hourOld - 120_000), // same hour slot as h2, newer: kept
      auto('h2', hourOld - 60_000),
      auto('d1', 9 * DAY),
      auto('d2', 9 * DAY + 1000),
    ]
    expect(doomedOf(planVersionAdd(versions, auto('new', 1000), ROOMY, NOW))).toEqual(['d2', 'h2'])
  })

  it('drops the oldest automatic versions past the automatic quota, never named ones', () => {
    const versions = [auto('old', 1000), named('n', 30 * DAY)]
    // Two versions in all: one named, one automatic; the new automatic one replaces the older.
    const plan = planVersionAdd(versions, auto('new', 0), { maxCount: 2, maxBytes: 1e9 }, NOW)
    expect(doomedOf(plan)).toEqual(['old'])
  })

  it('(a) naming as many versions as allowed never prunes automatic versions', () => {
    let versions = history()
    const before = versions.map((version) => version.versionId)
    for (let i = 0; i < 200; i++) versions = add(versions, named(`n${i}`, 0), DEFAULTS)
    // Half the count is for named versions: the rest were refused.
    expect(versions.filter((version) => version.kind === 'named')).toHaveLength(100)
    expect(namedVersionsFit(versions, DEFAULTS, 10)).toBe(false)
    expect(versions.map((version) => version.versionId)).toEqual(expect.arrayContaining(before))
  })

  it('(b) renamed (named) versions do not make each new automatic version prune the previous one', () => {
    // Every automatic version but the newest renamed: the automatic ones left are few, the named many.
    let versions: VersionRecord[] = [...history()]
    for (let i = 0; i < 100; i++) versions.push(named(`r${i}`, 40 * DAY + i))
    const before = versions.map((version) => version.versionId)
    for (let minute = 50; minute > 0; minute--)
      versions = add(versions, auto(`new${minute}`, minute * 1000), DEFAULTS)
    expect(versions.map((version) => version.versionId)).toEqual(expect.arrayContaining(before))
  })

  it('(c) a document grown to 64 MiB cannot push the floor out: the new version is refused instead', () => {
    let versions = history(MIB)
    const before = versions.map((version) => version.versionId)
    for (let i = 5; i > 0; i--) versions = add(versions, auto(`big${i}`, i * 1000, 64 * MIB), DEFAULTS)
    // The floor (51 MiB here) stays; within the current hour each 64 MiB version replaces the last.
    expect(versions.map((version) => version.versionId)).toEqual(expect.arrayContaining(before))
    expect(versions.filter((version) => version.bytes === 64 * MIB).map((v) => v.versionId)).toEqual(['big1'])
    // An hour later the 64 MiB version is in the floor too: the next one cannot fit and is refused
    // rather than throwing away older history.
    const later = versions.map((version) => ({ ...version, createdAt: version.createdAt - HOUR }))
    expect(planVersionAdd(later, auto('big0', 0, 64 * MIB), DEFAULTS, NOW)).toEqual({ refused: true })
  })

  it('outside the floor, older versions of the current hour still make room for a new one', () => {
    const versions = [auto('a', 2000, 60), auto('b', 3000, 60)]
    const plan = planVersionAdd(versions, auto('new', 0, 60), { maxCount: 100, maxBytes: 240 }, NOW)
    expect(doomedOf(plan)).toEqual(['b'])
  })
})
