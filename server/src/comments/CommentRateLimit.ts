/**
 * How many comment updates a sender may make: one allowance per person (token subject) and one
 * shared by everyone on the same share link. A link holder gets a new guest subject with every token
 * exchange, so the person's allowance alone would grow with each exchange (3 exchanges gave 177
 * comments in 1.25 s); the link's does not. A token of no link was signed with the server's secret
 * (an embedder's sign-in, an admin): its subject is not the sender's to change, so the person's
 * allowance holds it, and an office behind one address is not throttled as one person.
 */
import { RateLimiter } from '../http/RateLimiter'
import type { PeerIdentity } from '../rooms/Peer'

/**
 * Comment updates one person may send: a burst, then a steady rate. A person posts, edits or
 * resolves a few times a minute; a check costs up to a few ms on a full document (see
 * docs/architecture.md), so without this one commenter's socket could keep a core busy.
 */
export const COMMENT_UPDATE_RATE = { capacity: 60, refillPerSecond: 5 } as const

/**
 * The shared allowance of one link in persons' allowances: room for a few people commenting at once
 * through one link, while one holder minting identities gains at most this much.
 */
export const SHARED_COMMENT_RATE_FACTOR = 4

/**
 * Keys (people, links) whose allowance the server remembers. A forgotten one (the least
 * recently seen) starts again with a full bucket, as does anyone idle for 12 s (a full refill), so
 * forgetting is the only expiry needed; 50,000 buckets are a few MB.
 */
const MAX_TRACKED_KEYS = 50_000

/**
 * The allowance `identity` shares with others: its share link, else none (a token signed with the
 * secret, or a server-side caller). Also who pays for the comments check's mirror rebuilds
 * (CommentsUpdateCheck).
 */
export function sharedKeyOf(identity: PeerIdentity): string | undefined {
  return identity.shareKeyId === undefined ? undefined : `link:${identity.shareKeyId}`
}

/**
 * The server's one comment rate limit, created once (server.ts) so an allowance outlives the room:
 * reconnecting, or the room unloading, gives none back.
 */
export class CommentRateLimit {
  private readonly people: RateLimiter
  private readonly shared: RateLimiter

  constructor(now: () => number = Date.now) {
    this.people = new RateLimiter({ ...COMMENT_UPDATE_RATE, maxTrackedKeys: MAX_TRACKED_KEYS, now })
    this.shared = new RateLimiter({
      capacity: COMMENT_UPDATE_RATE.capacity * SHARED_COMMENT_RATE_FACTOR,
      refillPerSecond: COMMENT_UPDATE_RATE.refillPerSecond * SHARED_COMMENT_RATE_FACTOR,
      maxTrackedKeys: MAX_TRACKED_KEYS,
      now,
    })
  }

  /** Spends one update of both of `identity`'s allowances; false (nothing spent) when either is out. */
  take(identity: PeerIdentity): boolean {
    const person = `person:${identity.userId}`
    const shared = sharedKeyOf(identity)
    if (!this.people.check(person).allowed) return false
    if (shared !== undefined && !this.shared.check(shared).allowed) return false
    this.people.take(person)
    if (shared !== undefined) this.shared.take(shared)
    return true
  }
}
