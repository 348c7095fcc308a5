/**
 * The comments room's update check. It keeps a mirror of the room's document (plus the updates it
 * accepted that the room is still storing), applies each client update to the mirror, and judges
 * only the keys the update changed, with their values before and after (Y.Map events). A refused
 * update has already touched the mirror, so the mirror is rebuilt from the room before the next
 * check: whole-document work only after a refusal, which also closes the sender's socket.
 */
import {
  CLOSE_CODES,
  COMMENT_LIMITS,
  COMMENTS_DOC_TYPES,
  COMMENTS_MAP_NAME,
  type CommentEntry,
  PEOPLE_MAP_NAME,
  readComment,
  THREADS_MAP_NAME,
} from '@tandem/shared'
import * as Y from 'yjs'
import { RateLimiter } from '../http/RateLimiter'
import { LimitExceededError } from '../rooms/LimitExceededError'
import type { PeerIdentity } from '../rooms/Peer'
import { InvalidUpdateError } from '../rooms/Room'
import type { UpdateCheck } from '../rooms/UpdateCheck'
import { checkKeyChange, type KeyChange } from './checkCommentsChange'
import { noteCreatedComments } from './createdComments'
import { MirrorRebuildBudget } from './MirrorRebuildBudget'

/**
 * Comment updates one person may send to one document: a burst, then a steady rate. A person posts,
 * edits or resolves a few times a minute; a check costs up to a few ms on a full document (see
 * docs/architecture.md), so without this one commenter's socket could keep a core busy.
 */
export const COMMENT_UPDATE_RATE = { capacity: 60, refillPerSecond: 5 } as const

/**
 * People whose comment allowance the server remembers. A forgotten one (the least recently seen)
 * starts again with a full bucket, as does anyone idle for 12 s (a full refill), so forgetting is
 * the only expiry needed; 50,000 buckets are a few MB.
 */
const MAX_TRACKED_COMMENTERS = 50_000

/**
 * The server's one comment rate limiter, keyed by person (token subject): created once (server.ts),
 * so a person's allowance outlives the room; reconnecting, or the room unloading, gives none back.
 */
export function createCommentRateLimiter(now: () => number = Date.now): RateLimiter {
  return new RateLimiter({ ...COMMENT_UPDATE_RATE, maxTrackedKeys: MAX_TRACKED_COMMENTERS, now })
}

export interface CommentsUpdateCheckOptions {
  /** The comments room's name: the key of its rebuild budget. */
  readonly room?: string
  readonly rebuilds?: MirrorRebuildBudget
  /** The server's one comment rate limiter (createCommentRateLimiter); default one of its own. */
  readonly rate?: RateLimiter
  /** Wall clock for creation times and the rate limit. Default `Date.now`. */
  readonly now?: () => number
}

export class CommentsUpdateCheck implements UpdateCheck {
  readonly maxDocumentBytes = COMMENT_LIMITS.maxDocumentBytes
  private mirror: Y.Doc | null = null
  private recording: KeyChange[] | null = null
  private readonly rate: RateLimiter

  private readonly now: () => number
  private readonly room: string
  private readonly rebuilds: MirrorRebuildBudget

  /**
   * `rebuilds` and `rate` should be the server's one budget and limiter (server.ts) so they outlive
   * this room; the defaults, ones of its own, suit tests.
   */
  constructor(options: CommentsUpdateCheckOptions = {}) {
    this.now = options.now ?? Date.now
    this.room = options.room ?? ''
    this.rebuilds = options.rebuilds ?? new MirrorRebuildBudget()
    this.rate = options.rate ?? createCommentRateLimiter(this.now)
  }

  check(doc: Y.Doc, update: Uint8Array, author: PeerIdentity): void {
    if (!this.rate.take(author.userId).allowed) {
      throw new LimitExceededError('comments', CLOSE_CODES.RATE_LIMITED, 'too many comment updates')
    }
    const mirror = this.catchUp(doc)
    const changes: KeyChange[] = []
    // The mirror is kept only when the update is accepted: any refusal or throw (an unreadable
    // update, a malformed value the judge trips on) discards it, so a resend is judged afresh.
    let accepted = false
    try {
      const before = poisonOf(mirror)
      this.recording = changes
      try {
        Y.applyUpdate(mirror, update)
      } catch (error) {
        throw new InvalidUpdateError(`comment update unreadable: ${(error as Error).message}`)
      } finally {
        this.recording = null
      }
      const problem = this.judge(mirror, changes, author, before)
      if (problem instanceof LimitExceededError) throw problem
      if (problem !== undefined) throw new InvalidUpdateError(`comment change refused: ${problem}`)
      noteCreatedComments(update, newComments(changes))
      accepted = true
    } finally {
      if (!accepted) this.discardMirror()
    }
  }

  private judge(
    mirror: Y.Doc,
    changes: KeyChange[],
    author: PeerIdentity,
    before: Poison,
  ): string | LimitExceededError | undefined {
    // Judged on the document the update makes: one waiting for missing changes cannot be judged.
    if (mirror.store.pendingStructs !== null || mirror.store.pendingDs !== null) {
      return 'comment update depends on changes the server lacks'
    }
    // Only what this update adds is judged: junk stored before the rules (an older server) stays,
    // unread by every reader, and must not lock everyone out of the document.
    const after = poisonOf(mirror)
    if (after.strayTypes > before.strayTypes) return 'unknown top-level type'
    // Items written as list content of a map's root would be invisible to the map but still stored.
    if (after.listItems > before.listItems) return 'a map holds list content'
    const threads = mirror.getMap(THREADS_MAP_NAME)
    const comments = mirror.getMap<unknown>(COMMENTS_MAP_NAME)
    const nowMs = this.now()
    const grown = { threads: 0, comments: 0, people: 0 }
    const threadsWithNewComments = new Set<string>()
    for (const change of changes) {
      if (change.after instanceof Y.AbstractType || change.after instanceof Y.Doc)
        return 'nested Yjs types are not allowed'
      const problem = checkKeyChange(change, author, nowMs, (id) => threads.has(id))
      if (problem !== undefined) return problem
      if (change.before === undefined && !change.deleted) {
        if (change.map === THREADS_MAP_NAME) grown.threads++
        if (change.map === PEOPLE_MAP_NAME) grown.people++
        if (change.map === COMMENTS_MAP_NAME) {
          grown.comments++
          const comment = readComment(change.after)
          if (comment) threadsWithNewComments.add(comment.threadId)
        }
      }
    }
    // Counts are checked only when they grow, so a document past a lowered limit still takes edits.
    const limit = (what: string, max: number) =>
      new LimitExceededError('comments', CLOSE_CODES.DOCUMENT_TOO_LARGE, `more than ${max} ${what}`)
    if (grown.threads > 0 && threads.size > COMMENT_LIMITS.maxThreads)
      return limit('threads', COMMENT_LIMITS.maxThreads)
    if (grown.comments > 0 && comments.size > COMMENT_LIMITS.maxComments)
      return limit('comments', COMMENT_LIMITS.maxComments)
    if (grown.people > 0 && mirror.getMap(PEOPLE_MAP_NAME).size > COMMENT_LIMITS.maxPeople) {
      return limit('people', COMMENT_LIMITS.maxPeople)
    }
    if (threadsWithNewComments.size > 0) {
      const counts = new Map<string, number>()
      // Read through the shape check: a document from before this rule may hold malformed values.
      for (const value of comments.values()) {
        const comment = readComment(value)
        if (comment && threadsWithNewComments.has(comment.threadId))
          counts.set(comment.threadId, (counts.get(comment.threadId) ?? 0) + 1)
      }
      for (const count of counts.values()) {
        if (count > COMMENT_LIMITS.maxCommentsPerThread)
          return limit('comments in a thread', COMMENT_LIMITS.maxCommentsPerThread)
      }
    }
    return undefined
  }

  /**
   * The mirror with everything the room holds (changes from other nodes and the store included).
   * Building it decodes the whole document, so a build is charged to the room's budget and refused
   * (4429, the mirror untouched) while the budget is spent.
   */
  private catchUp(doc: Y.Doc): Y.Doc {
    if (this.mirror !== null) {
      Y.applyUpdate(this.mirror, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(this.mirror)))
      return this.mirror
    }
    const waitMs = this.rebuilds.waitMs(this.room)
    if (waitMs > 0) {
      throw new LimitExceededError(
        'comments',
        CLOSE_CODES.RATE_LIMITED,
        `comments check rebuilt too often; retry in ${Math.ceil(waitMs)} ms`,
      )
    }
    return this.rebuilds.charge(this.room, () => {
      const mirror = new Y.Doc({ gc: true })
      for (const name of COMMENTS_DOC_TYPES) {
        mirror.getMap(name).observe((event) => this.record(name, event))
      }
      Y.applyUpdate(mirror, Y.encodeStateAsUpdate(doc))
      this.mirror = mirror
      return mirror
    })
  }

  private record(map: string, event: Y.YMapEvent<unknown>): void {
    if (this.recording === null) return
    const target = event.target as Y.Map<unknown>
    for (const [key, { action, oldValue }] of event.changes.keys) {
      this.recording.push({
        map,
        key,
        before: action === 'add' ? undefined : oldValue,
        after: action === 'delete' ? undefined : target.get(key),
        deleted: action === 'delete',
      })
    }
  }

  private discardMirror(): void {
    this.mirror?.destroy()
    this.mirror = null
  }
}

/** What a comments document holds outside its layout, in amounts an update can only grow. */
interface Poison {
  /** Top-level types other than the three maps. */
  readonly strayTypes: number
  /** Items written as list content of the maps (their own list, not their keys). */
  readonly listItems: number
}

function poisonOf(mirror: Y.Doc): Poison {
  let strayTypes = 0
  for (const name of mirror.share.keys()) {
    if (!(COMMENTS_DOC_TYPES as readonly string[]).includes(name)) strayTypes++
  }
  let listItems = 0
  for (const name of COMMENTS_DOC_TYPES) {
    // Usually none at all: a walk only over what a poisoned document holds.
    for (let item = mirror.getMap(name)._start; item !== null; item = item.right) listItems++
  }
  return { strayTypes, listItems }
}

/** The comments `changes` (judged and accepted) create: new keys of the comments map, final values. */
function newComments(changes: readonly KeyChange[]): CommentEntry[] {
  const created: CommentEntry[] = []
  for (const change of changes) {
    if (change.map !== COMMENTS_MAP_NAME || change.deleted || change.before !== undefined) continue
    const comment = readComment(change.after)
    if (comment) created.push(comment)
  }
  return created
}
