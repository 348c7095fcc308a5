/** The person using this browser: a stable id, a remembered display name and a colour derived from the id. */
import { removeUnsafeTextCharacters } from '@tandem/shared'
import { createRandomId } from './randomId'

const USER_ID_KEY = 'tandem.userId'
const NAME_KEY = 'tandem.name'
/** Longest display name accepted by the name prompt. */
export const MAX_NAME_LENGTH = 40

/** Caret and avatar colours, chosen to stay readable with white text. */
export const USER_COLORS = [
  '#e5484d',
  '#d6409f',
  '#8e4ec6',
  '#6e56cf',
  '#3e63dd',
  '#0090ff',
  '#00a2c7',
  '#12a594',
  '#30a46c',
  '#f76b15',
  '#ad7f58',
  '#978365',
] as const

export interface Identity {
  userId: string
  /** Null until the person has chosen a name. */
  name: string | null
  color: string
}

/** A colour picked deterministically from the user id, so every tab and peer agrees on it. */
export function colorForUser(userId: string): string {
  let hash = 0
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return USER_COLORS[hash % USER_COLORS.length]!
}

/** Loads (creating on first use) this browser's identity from `storage`. */
export function loadIdentity(storage: Storage, createId: () => string = createRandomId): Identity {
  let userId = safeGet(storage, USER_ID_KEY)
  if (userId === null || userId === '') {
    userId = createId()
    safeSet(storage, USER_ID_KEY, userId)
  }
  const name = normalizeName(safeGet(storage, NAME_KEY) ?? '')
  return { userId, name: name === '' ? null : name, color: colorForUser(userId) }
}

/** Remembers the display name; returns the normalised name that was stored. */
export function saveName(storage: Storage, name: string): string {
  const normalized = normalizeName(name)
  safeSet(storage, NAME_KEY, normalized)
  return normalized
}

/** Trims, collapses whitespace and caps the length. */
export function normalizeName(name: string): string {
  // Same characters the server refuses in names; dropped after the cut so no half emoji remains.
  return removeUnsafeTextCharacters(name.trim().replace(/\s+/g, ' ').slice(0, MAX_NAME_LENGTH)).trim()
}

// Storage throws in some privacy modes and when full; the app then works without remembering.
function safeGet(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key)
  } catch {
    return null
  }
}

function safeSet(storage: Storage, key: string, value: string): void {
  try {
    storage.setItem(key, value)
  } catch {
    // Not remembered; nothing else depends on it.
  }
}
