/**
 * The comments room's update check. It keeps a mirror of the room's document (plus the updates it
 * accepted that the room is still storing), applies each client update to the mirror, and judges
 * what the update adds (findForeignItem) and the keys it changed, with their values before and after
 * (Y.Map events). A refused update has already touched the mirror, so the mirror is rebuilt from the
 * room before the next check, at the refused sender's expense (MirrorRebuildBudget): whole-document
 * work only after a refusal, which also closes the sender's socket.
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
import { LimitExceededError } from '../rooms/LimitExceededError'
import type { PeerIdentity } from '../rooms/Peer'
import { InvalidUpdateError } from '../rooms/Room'
import type { UpdateCheck } from '../rooms/UpdateCheck'
import { CommentRateLimit, sharedKeyOf } from './CommentRateLimit'
import { checkKeyChange, type KeyChange } from './checkCommentsChange'
import { noteCreatedComments } from './createdComments'
import { findForeignItem } from './findForeignItem'
import { MirrorRebuildBudget } from './MirrorRebuildBudget'

export interface CommentsUpdateCheckOptions {
  /** The comments room's name: the key of its rebuild budget. */
  readonly room?: string
  readonly rebuilds?: MirrorRebuildBudget
  /** The server's one comment rate limit; default one of its own. */
  readonly rate?: CommentRateLimit
  /** Wall clock for creation times and the rate limit. Default `Date.now`. */
  readonly now?: () => number
}

export class CommentsUpdateCheck implements UpdateCheck {
  readonly maxDocumentBytes = COMMENT_LIMITS.maxDocumentBytes
  private mirror: Y.Doc | null = null
  private recording: KeyChange[] | null = null
  private readonly rate: CommentRateLimit
  /** Who made the next mirror build necessary (the sender of the last refused update): it pays. */
  private rebuildOwedBy: string | null = null

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
    this.rate = options.rate ?? new CommentRateLimit(this.now)
  }

  check(doc: Y.Doc, update: Uint8Array, author: PeerIdentity): void {
    if (!this.rate.take(author)) {
      throw new LimitExceededError('comments', CLOSE_CODES.RATE_LIMITED, 'too many comment updates')
    }
    const payer = payerOf(author)
    // A sender whose refusals used up their rebuild budget waits before touching the mirror, so the
    // rebuild their next refusal would cost is never left for someone else to need.
    this.refuseWhileSpent(payer)
    const mirror = this.catchUp(doc)
    const changes: KeyChange[] = []
    // The mirror is kept only when the update is accepted: any refusal or throw (an unreadable
    // update, a malformed value the judge trips on) discards it, so a resend is judged afresh.
    let accepted = false
    try {
      const before = Y.decodeStateVector(Y.encodeStateVector(mirror))
      this.recording = changes
      try {
        Y.applyUpdate(mirror, update)
      } catch (error) {
        throw new InvalidUpdateError(`comment update unreadable: ${(error as Error).message}`)
      } finally {
        this.recording = null
      }
      const problem = this.judge(mirror, update, changes, author, before)
      if (problem instanceof LimitExceededError) throw problem
      if (problem !== undefined) throw new InvalidUpdateError(`comment change refused: ${problem}`)
      noteCreatedComments(update, newComments(changes))
      accepted = true
    } finally {
      if (!accepted) {
        this.discardMirror()
        this.rebuildOwedBy = payer
      }
    }
  }

  private refuseWhileSpent(payer: string): void {
    const waitMs = this.rebuilds.waitMs(this.room, payer)
    if (waitMs > 0) {
      throw new LimitExceededError(
        'comments',
        CLOSE_CODES.RATE_LIMITED,
        `comments check rebuilt too often; retry in ${Math.ceil(waitMs)} ms`,
      )
    }
  }

  private judge(
    mirror: Y.Doc,
    update: Uint8Array,
    changes: KeyChange[],
    author: PeerIdentity,
    stateBefore: ReadonlyMap<number, number>,
  ): string | LimitExceededError | undefined {
    // Judged on the document the update makes: one waiting for missing changes cannot be judged.
    if (mirror.store.pendingStructs !== null || mirror.store.pendingDs !== null) {
      return 'comment update depends on changes the server lacks'
    }
    // Only what this update adds is judged: junk stored before the rules (an older server) stays,
    // unread by every reader, and must not lock everyone out of the document.
    const foreign = findForeignItem(update, mirror, stateBefore)
    if (foreign !== undefined) return foreign
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
   * Building it decodes the whole document, so a build is charged to whoever made it necessary: the
   * sender of the refused update that discarded the mirror. That build always runs: the sender's
   * budget was unspent when they sent the update (check()). The room's first build (after a load)
   * is charged to the room itself and refused (4429, nothing decoded) while that is spent.
   */
  private catchUp(doc: Y.Doc): Y.Doc {
    if (this.mirror !== null) {
      Y.applyUpdate(this.mirror, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(this.mirror)))
      return this.mirror
    }
    const owedBy = this.rebuildOwedBy
    if (owedBy === null) this.refuseWhileSpent(LOAD_PAYER)
    this.rebuildOwedBy = null
    return this.rebuilds.charge(this.room, owedBy ?? LOAD_PAYER, () => {
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

/** Who pays for a room's first mirror build (no payer key of a sender starts this way). */
const LOAD_PAYER = 'load'

/**
 * Who pays for the rebuilds `identity`'s refused updates cause: their link, since a link holder gets
 * a new subject with every token exchange; else their subject (signed with the secret: not theirs to
 * change).
 */
function payerOf(identity: PeerIdentity): string {
  return sharedKeyOf(identity) ?? `person:${identity.userId}`
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
