/** What changed in who is here, as sentences for a screen reader's polite live region. */
import type { PresenceEntry } from './presence'

// One person is a user id and a name, as in listPresence.
const personKey = (entry: PresenceEntry) => `${entry.userId}\u0000${entry.name}`

/** "Ben joined", "Ann left": other people who arrived or went between `before` and `after`. */
export function describePresenceChanges(
  before: readonly PresenceEntry[],
  after: readonly PresenceEntry[],
): string[] {
  const others = (entries: readonly PresenceEntry[]) =>
    new Map(entries.filter((entry) => !entry.isSelf).map((entry) => [personKey(entry), entry]))
  const was = others(before)
  const is = others(after)
  const joined = [...is].filter(([key]) => !was.has(key)).map(([, entry]) => `${entry.name} joined`)
  const left = [...was].filter(([key]) => !is.has(key)).map(([, entry]) => `${entry.name} left`)
  return [...joined, ...left]
}
