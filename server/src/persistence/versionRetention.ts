/**
 * Which versions a document drops when it gains one: named versions stay; automatic ones are thinned
 * with age (all of the last day, one an hour for the week before, one a day after that), then the
 * oldest automatic ones go until the document is within its count and byte bounds. Written once,
 * above every adapter.
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
 * The ids to delete from `versions` (newest first) at `now`. `keepId` (the version just added) is
 * never deleted, so the bounds can be passed by that one version when named versions fill them.
 */
export function planVersionPruning(
  versions: readonly VersionRecord[],
  retention: VersionRetention,
  now: number,
  keepId: string,
): string[] {
  const doomed = new Set<string>()
  const slotsTaken = new Set<string>()
  for (const version of versions) {
    if (version.kind !== 'auto' || version.versionId === keepId) continue
    const tier = VERSION_THINNING.find((t) => now - version.createdAt > t.olderThanMs)
    if (tier === undefined) continue
    const slot = `${tier.keepOnePerMs}:${Math.floor(version.createdAt / tier.keepOnePerMs)}`
    // Newest first: the first version seen in a slot is the one kept.
    if (slotsTaken.has(slot)) doomed.add(version.versionId)
    else slotsTaken.add(slot)
  }
  let count = 0
  let bytes = 0
  for (const version of versions) {
    if (doomed.has(version.versionId)) continue
    count++
    bytes += version.bytes
  }
  // Oldest automatic versions go first until the document fits.
  for (
    let i = versions.length - 1;
    i >= 0 && (count > retention.maxCount || bytes > retention.maxBytes);
    i--
  ) {
    const version = versions[i]!
    if (version.kind !== 'auto' || version.versionId === keepId || doomed.has(version.versionId)) continue
    doomed.add(version.versionId)
    count--
    bytes -= version.bytes
  }
  return [...doomed]
}

/** Whether the named versions alone, plus `added`, fit the retention bounds. */
export function namedVersionsFit(
  versions: readonly VersionRecord[],
  retention: VersionRetention,
  addedBytes: number,
): boolean {
  const named = versions.filter((version) => version.kind === 'named')
  const bytes = named.reduce((sum, version) => sum + version.bytes, 0)
  return named.length + 1 <= retention.maxCount && bytes + addedBytes <= retention.maxBytes
}
