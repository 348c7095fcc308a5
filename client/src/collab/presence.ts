/** Who is in the document: awareness states reduced to one entry per person. */

/** Extra awareness fields Tandem adds through the collaboration plugin's `awarenessData`. */
export interface TandemAwarenessData {
  /** Stable per person (per browser in the app, the host's user id in embeds). */
  userId: string
  role?: 'editor' | 'viewer'
}

export interface PresenceEntry {
  userId: string
  name: string
  color: string
  /** True for the local person (any of their tabs). */
  isSelf: boolean
  /** How many connections (tabs, devices) this person has open. */
  connections: number
  role: 'editor' | 'viewer' | undefined
}

/** Reads the Lexical awareness state shape (`name`, `color`, `awarenessData`) defensively. */
function readState(clientId: number, state: Record<string, unknown>) {
  const data = (state.awarenessData ?? {}) as Partial<TandemAwarenessData>
  const name = typeof state.name === 'string' && state.name !== '' ? state.name : 'Anonymous'
  return {
    // Peers without a user id (e.g. other Yjs clients) count once per connection.
    userId: typeof data.userId === 'string' && data.userId !== '' ? data.userId : `client:${clientId}`,
    name,
    color: typeof state.color === 'string' ? state.color : '#888888',
    role: data.role === 'editor' || data.role === 'viewer' ? data.role : undefined,
  }
}

/**
 * One entry per user id, the local person first, then by name. When one person has several
 * connections, the lowest client id's name and colour win so the entry does not flicker.
 */
export function listPresence(
  states: ReadonlyMap<number, Record<string, unknown>>,
  localClientId: number,
  localUserId: string,
): PresenceEntry[] {
  const byUser = new Map<string, PresenceEntry & { firstClientId: number }>()
  const clientIds = [...states.keys()].sort((a, b) => a - b)
  for (const clientId of clientIds) {
    const state = states.get(clientId)
    if (state === undefined || state === null) continue
    const read = readState(clientId, state)
    const existing = byUser.get(read.userId)
    if (existing) {
      existing.connections++
      continue
    }
    byUser.set(read.userId, {
      ...read,
      isSelf: read.userId === localUserId || clientId === localClientId,
      connections: 1,
      firstClientId: clientId,
    })
  }
  return [...byUser.values()]
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
