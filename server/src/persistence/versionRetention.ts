/**
 * Which versions a document keeps when it gains one, written once above every adapter. Named and
 * automatic versions have separate quotas (each half of the document's count and byte bounds), so
 * naming or renaming, which an edit link allows, can never push automatic versions out. Automatic
 * versions are thinned with age (all of the last day, one an hour for the week before, one a day after
 * that), then the oldest go until they fit their quota, but never the floor: the newest automatic
 * version of each hour of the last day and of each day of the last 30 days. A new automatic version
 * that cannot fit without breaking the floor is refused, so an attacker who grows the document or
 * takes many versions can erase at most the current hour's automatic versions, not older history.
 */
import type { VersionRecord, VersionRetention } from './DocumentStore'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** Automatic versions older than `olderThanMs` keep one per `keepOnePerMs` (the newest of each slot). */
export const VERSION_THINNING: readonly { readonly olderThanMs: number; readonly keepOnePerMs: number }[] = [
  { olderThanMs: 7 * DAY_MS, keepOnePerMs: DAY_MS },
  { olderThanMs: DAY_MS, keepOnePerMs: HOUR_MS },
]

/**
 * The floor: automatic versions no younger than `withinMs` that are the newest of their
 * `onePerMs` slot are never pruned for the bounds (at most 24 + 30 versions).
 */
export const VERSION_FLOOR: readonly { readonly withinMs: number; readonly onePerMs: number }[] = [
  { withinMs: DAY_MS, onePerMs: HOUR_MS },
  { withinMs: 30 * DAY_MS, onePerMs: DAY_MS },
]

/** The share of each bound named versions may use; automatic ones have the rest. */
export const NAMED_VERSION_SHARE = 0.5

/** The bounds of one kind of version within a document's retention. */
export function quotaOf(kind: VersionRecord['kind'], retention: VersionRetention): VersionRetention {
  const named = {
    maxCount: Math.floor(retention.maxCount * NAMED_VERSION_SHARE),
    maxBytes: Math.floor(retention.maxBytes * NAMED_VERSION_SHARE),
  }
  if (kind === 'named') return named
  return { maxCount: retention.maxCount - named.maxCount, maxBytes: retention.maxBytes - named.maxBytes }
}

/** What to do with a new version: refuse it, or store it and delete `doomed` (automatic ones only). */
export type VersionPlan =
  | { readonly refused: true }
  | { readonly refused: false; readonly doomed: readonly string[] }

/**
 * The plan for adding `added` (its record; the state is not needed) to `existing` (newest first) at
 * `now`. A named version only has to fit the named quota and prunes nothing.
 */
export function planVersionAdd(
  existing: readonly VersionRecord[],
  added: VersionRecord,
  retention: VersionRetention,
  now: number,
): VersionPlan {
  if (added.kind === 'named') {
    return namedVersionsFit(existing, retention, storedBytes(added))
      ? { refused: false, doomed: [] }
      : { refused: true }
  }
  const autos = [added, ...existing.filter((version) => version.kind === 'auto')].sort(
    (a, b) => b.createdAt - a.createdAt,
  )
  const doomed = new Set(thinnedOut(autos, now))
  const floor = floorOf(autos, now)
  const quota = quotaOf('auto', retention)
  let count = 0
  let bytes = 0
  for (const version of autos) {
    if (doomed.has(version.versionId)) continue
    count++
    bytes += storedBytes(version)
  }
  // Oldest automatic versions go first until they fit, never the floor nor the one being added.
  for (let i = autos.length - 1; i >= 0 && (count > quota.maxCount || bytes > quota.maxBytes); i--) {
    const version = autos[i]!
    const id = version.versionId
    if (id === added.versionId || doomed.has(id) || floor.has(id)) continue
    doomed.add(id)
    count--
    bytes -= storedBytes(version)
  }
  if (count > quota.maxCount || bytes > quota.maxBytes) return { refused: true }
  return { refused: false, doomed: [...doomed] }
}

/** Whether the named versions, plus one more of `addedBytes`, fit the named quota. */
export function namedVersionsFit(
  versions: readonly VersionRecord[],
  retention: VersionRetention,
  addedBytes: number,
): boolean {
  const quota = quotaOf('named', retention)
  const named = versions.filter((version) => version.kind === 'named')
  const bytes = named.reduce((sum, version) => sum + storedBytes(version), 0)
  return named.length + 1 <= quota.maxCount && bytes + addedBytes <= quota.maxBytes
}

/** Automatic versions (newest first) that thinning drops: all but the newest of each aged slot. */
function thinnedOut(autos: readonly VersionRecord[], now: number): string[] {
  const doomed: string[] = []
  const slotsTaken = new Set<string>()
  for (const version of autos) {
    const tier = VERSION_THINNING.find((t) => now - version.createdAt > t.olderThanMs)
    if (tier === undefined) continue
    const slot = `${tier.keepOnePerMs}:${Math.floor(version.createdAt / tier.keepOnePerMs)}`
    // Newest first: the first version seen in a slot is the one kept.
    if (slotsTaken.has(slot)) doomed.push(version.versionId)
    else slotsTaken.add(slot)
  }
  return doomed
}

/** The ids of the floor among `autos` (newest first): see VERSION_FLOOR. */
function floorOf(autos: readonly VersionRecord[], now: number): Set<string> {
  const floor = new Set<string>()
  for (const { withinMs, onePerMs } of VERSION_FLOOR) {
    const slotsTaken = new Set<number>()
    for (const version of autos) {
      if (now - version.createdAt > withinMs) break
      const slot = Math.floor(version.createdAt / onePerMs)
      if (slotsTaken.has(slot)) continue
      slotsTaken.add(slot)
      floor.add(version.versionId)
    }
  }
  return floor
}

/** What a version takes in the store: its state and, when recorded, its comments' state. */
export function storedBytes(version: Pick<VersionRecord, 'bytes' | 'commentsBytes'>): number {
  return version.bytes + (version.commentsBytes ?? 0)
}
