/** Who is in the document: awareness states reduced to one entry per person. */
import { isRole, type Role, UNNAMED_PERSON_NAME } from '@tandem/shared'

/** Extra awareness fields Tandem adds through the collaboration plugin's `awarenessData`. */
export interface TandemAwarenessData {
  /** Stable per person (per browser in the app, the host's user id in embeds). */
  userId: string
  role?: Role
  /** When this page joined (ms since epoch; 0 = a colour that never yields): ranks colour claims, see roomColor.ts. */
  joinedAtMs?: number
}

export interface PresenceEntry {
  userId: string
  name: string
  color: string
  /** True for the local person (any of their tabs). */
  isSelf: boolean
  /** How many connections (tabs, devices) this person has open. */
  connections: number
  role: Role | undefined
}

/** Reads the Lexical awareness state shape (`name`, `color`, `awarenessData`) defensively. */
function readState(clientId: number, state: Record<string, unknown>) {
  const data = (state.awarenessData ?? {}) as Partial<TandemAwarenessData>
  // The same word version history uses for someone without a name.
  const name = typeof state.name === 'string' && state.name !== '' ? state.name : UNNAMED_PERSON_NAME
  return {
    // Peers without a user id (e.g. other Yjs clients) count once per connection.
    userId: typeof data.userId === 'string' && data.userId !== '' ? data.userId : `client:${clientId}`,
    name,
    color: typeof state.color === 'string' ? state.color : '#888888',
    role: isRole(data.role) ? data.role : undefined,
  }
}

/**
 * One entry per person, the local person first, then by name. A person is a user id and a name:
 * the server replaces `name` and `awarenessData.role` with its token's, but the user id is what the
 * peer claims, so a peer announcing someone else's user id under its own name must not be merged
 * into (and rename, or hide) that person. When one person has several connections, the lowest
 * client id's colour wins so the entry does not flicker.
 */
export function listPresence(
  states: ReadonlyMap<number, Record<string, unknown>>,
  localClientId: number,
  localUserId: string,
): PresenceEntry[] {
  const byPerson = new Map<string, PresenceEntry & { firstClientId: number }>()
  const localState = states.get(localClientId)
  const localName = localState ? readState(localClientId, localState).name : undefined
  const clientIds = [...states.keys()].sort((a, b) => a - b)
  for (const clientId of clientIds) {
    const state = states.get(clientId)
    if (state === undefined || state === null) continue
    const read = readState(clientId, state)
    const key = `${read.userId}\u0000${read.name}`
    const existing = byPerson.get(key)
    if (existing) {
      existing.connections++
      continue
    }
    byPerson.set(key, {
      ...read,
      isSelf:
        clientId === localClientId ||
        (read.userId === localUserId && (localName === undefined || read.name === localName)),
      connections: 1,
      firstClientId: clientId,
    })
  }
  return [...byPerson.values()]
    .map(({ firstClientId: _firstClientId, ...entry }) => entry)
    .sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

/** Up to two initials for an avatar. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words
  return letters
    .map((word) => [...word][0] ?? '')
    .join('')
    .toUpperCase()
}
