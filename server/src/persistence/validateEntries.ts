/** Checks a batch for DocumentStore.append before anything is written, so a bad entry rejects the whole batch. */
import type { UpdateEntry } from './DocumentStore'

/** Throws a TypeError (a caller bug, not a storage failure) naming the first malformed entry. */
export function validateEntries(entries: readonly UpdateEntry[]): void {
  entries.forEach((entry, index) => {
    if (typeof entry?.room !== 'string' || entry.room === '') {
      throw new TypeError(`append: entry ${index} has no room name`)
    }
    if (!(entry.update instanceof Uint8Array)) {
      throw new TypeError(`append: entry ${index} (room ${JSON.stringify(entry.room)}) has no update bytes`)
    }
  })
}
