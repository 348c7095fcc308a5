/**
 * Removes our copy of blocks or text that someone else moved at the same time. A tree CRDT has no
 * move: when the editor merges two lists (or joins two paragraphs, or turns a block into another
 * kind), the binding writes copies of the moved blocks (or of the joined paragraph's text) and deletes
 * the old ones. Two people doing the same merge before seeing each other's (deleting the paragraph
 * between two lists, Backspace at the start of the same paragraph; offline or within the latency)
 * each wrote a copy, so the moved items appeared twice on every page.
 *
 * The author of each copy decides for its own: when a remote update deletes a block our own move
 * deleted (so its author did not see our move) and writes, under the same parent, copies equal to
 * ours (blocks with the same XML, or the same text into the same XmlText), the copy of the lower Yjs
 * client id stays and we delete ours if our id is higher. Every page
 * decides the same way, deletions commute, and nothing differs between the copies, so nothing is
 * lost. Copies that differ (someone typed into one) are both kept: a duplicate is visible and can be
 * deleted, lost text cannot be brought back.
 */
import * as Y from 'yjs'

/** Origin of the dedupe's own transaction (not undoable: it removes a duplicate, it does not edit). */
export const DEDUPE_ORIGIN = Symbol('concurrent-move-dedupe')

/**
 * How many of our own recent moves are remembered: a concurrent move arrives within a reconnect, and
 * each one holds only references to Yjs types.
 */
export const MAX_REMEMBERED_MOVES = 64

interface OwnMove {
  /** Blocks that existed before our transaction and that it deleted. */
  deleted: Y.ID[]
  /** The blocks it created (only the outermost of each inserted subtree), by parent. */
  copies: Map<Y.AbstractType<unknown>, Y.XmlElement[]>
  /** Existing XmlTexts it wrote into (joining two blocks copies the second's text into the first). */
  texts: Set<Y.XmlText>
  /** The clocks it wrote at, to find its text again. */
  clocks: ClockRanges
}

/** Per client, the clocks [from, to) a transaction wrote at. */
type ClockRanges = Map<number, { from: number; to: number }>

export interface ConcurrentMoveDedupeOptions {
  doc: Y.Doc
  /** True for origins that carry other people's changes (the provider, a relay). */
  isRemote: (origin: unknown) => boolean
}

export class ConcurrentMoveDedupe {
  private incoming: Uint8Array[] = []
  private moves: OwnMove[] = []
  private readonly handleAfterTransaction = (transaction: Y.Transaction) => this.inspect(transaction)

  constructor(private readonly options: ConcurrentMoveDedupeOptions) {
    options.doc.on('afterTransaction', this.handleAfterTransaction)
  }

  /** Call with every remote update just before it is applied: its delete set says what its author deleted. */
  noteIncomingUpdate(update: Uint8Array): void {
    this.incoming.push(update)
  }

  destroy(): void {
    this.options.doc.off('afterTransaction', this.handleAfterTransaction)
  }

  private inspect(transaction: Y.Transaction): void {
    if (transaction.origin === DEDUPE_ORIGIN) return
    if (!this.options.isRemote(transaction.origin)) {
      this.rememberOwnMove(transaction)
      return
    }
    const updates = this.incoming
    this.incoming = []
    if (this.moves.length === 0) return
    const remoteCopies = copiesCreatedIn(transaction, (client) => client !== transaction.doc.clientID)
    const deleteSets = updates.map((update) => Y.decodeUpdate(update).ds)
    const concurrent = this.moves.filter((move) =>
      move.deleted.some((id) => deleteSets.some((ds) => Y.isDeleted(ds, id))),
    )
    if (concurrent.length === 0) return
    const ownClient = transaction.doc.clientID
    const redundant: Y.XmlElement[] = []
    for (const move of concurrent) {
      for (const [parent, ours] of move.copies) {
        const theirs = remoteCopies.get(parent)
        if (theirs === undefined) continue
        const alive = ours.filter((copy) => copy._item !== null && !copy._item.deleted)
        if (alive.length === 0 || !sameContent(alive, theirs)) continue
        // The lower client id's copy stays; every page applies the same rule to its own copies.
        if (theirs.some((copy) => copy._item !== null && copy._item.id.client < ownClient)) {
          redundant.push(...alive)
        }
      }
    }
    const redundantText: Array<{ text: Y.XmlText; parts: TextPart[] }> = []
    const theirClocks = clockRangesOf(transaction, (client) => client !== ownClient)
    for (const move of concurrent) {
      for (const text of move.texts) {
        const ours = readRun(text, move.clocks)
        const theirs = readRun(text, theirClocks)
        if (ours.text === '' || ours.text !== theirs.text) continue
        if ([...theirs.clients].some((client) => client < ownClient)) {
          redundantText.push({ text, parts: ours.parts })
        }
      }
    }
    this.moves = this.moves.filter((move) => !concurrent.includes(move))
    if (redundant.length === 0 && redundantText.length === 0) return
    // A new transaction once this one is cleaned up: Yjs runs it right after, before anyone reads.
    transaction.doc.transact(() => {
      for (const copy of redundant) deleteFromParent(copy)
      // From the end, so the earlier parts' indexes still hold.
      for (const { text, parts } of redundantText) {
        for (const { index, length } of [...parts].reverse()) text.delete(index, length)
      }
    }, DEDUPE_ORIGIN)
  }

  /** A local transaction that deleted existing blocks and created new ones may be a move. */
  private rememberOwnMove(transaction: Y.Transaction): void {
    const deleted: Y.ID[] = []
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item) || isNewIn(struct, transaction)) return
      if (struct.content instanceof Y.ContentType && struct.content.type instanceof Y.XmlElement) {
        deleted.push(struct.id)
      }
    })
    if (deleted.length === 0) return
    const own = (client: number) => client === transaction.doc.clientID
    const copies = copiesCreatedIn(transaction, own)
    const texts = textsWrittenIn(transaction, own)
    if (copies.size === 0 && texts.size === 0) return
    this.moves.push({ deleted, copies, texts, clocks: clockRangesOf(transaction, own) })
    if (this.moves.length > MAX_REMEMBERED_MOVES) this.moves.shift()
  }
}

/**
 * The live XmlElements a transaction created (written by clients `isAuthor` accepts) whose parent it did
 * not create, grouped by parent, in document order.
 */
function copiesCreatedIn(
  transaction: Y.Transaction,
  isAuthor: (client: number) => boolean,
): Map<Y.AbstractType<unknown>, Y.XmlElement[]> {
  const parents = new Set<Y.AbstractType<unknown>>()
  for (const [client, clock] of transaction.afterState) {
    if (!isAuthor(client)) continue
    const from = transaction.beforeState.get(client) ?? 0
    if (clock <= from) continue
    const structs = transaction.doc.store.clients.get(client) ?? []
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const struct = structs[i]
      if (!(struct instanceof Y.Item) || struct.deleted) continue
      if (!(struct.content instanceof Y.ContentType) || !(struct.content.type instanceof Y.XmlElement))
        continue
      const parent = struct.parent
      if (!(parent instanceof Y.AbstractType)) continue
      if (parent._item !== null && isNewIn(parent._item, transaction)) continue
      parents.add(parent)
    }
  }
  const byParent = new Map<Y.AbstractType<unknown>, Y.XmlElement[]>()
  for (const parent of parents) {
    const created: Y.XmlElement[] = []
    for (let item = parent._start; item !== null; item = item.right) {
      if (item.deleted || !isNewIn(item, transaction) || !isAuthor(item.id.client)) continue
      if (item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement) {
        created.push(item.content.type)
      }
    }
    if (created.length > 0) byParent.set(parent, created)
  }
  return byParent
}

function clockRangesOf(transaction: Y.Transaction, isAuthor: (client: number) => boolean): ClockRanges {
  const ranges: ClockRanges = new Map()
  for (const [client, to] of transaction.afterState) {
    const from = transaction.beforeState.get(client) ?? 0
    if (isAuthor(client) && to > from) ranges.set(client, { from, to })
  }
  return ranges
}

/** XmlTexts that existed before the transaction and got text from it (written by `isAuthor`). */
function textsWrittenIn(transaction: Y.Transaction, isAuthor: (client: number) => boolean): Set<Y.XmlText> {
  const texts = new Set<Y.XmlText>()
  for (const [client, { from }] of clockRangesOf(transaction, isAuthor)) {
    const structs = transaction.doc.store.clients.get(client) ?? []
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const struct = structs[i]
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) continue
      const parent = struct.parent
      if (parent instanceof Y.XmlText && parent._item !== null && !isNewIn(parent._item, transaction)) {
        texts.add(parent)
      }
    }
  }
  return texts
}

interface TextPart {
  index: number
  length: number
}

/**
 * The visible characters of `text` written at the given clocks, in document order, with where they
 * are. Yjs merges adjacent items of one client, so an item may hold characters from before and after.
 */
function readRun(
  text: Y.XmlText,
  clocks: ClockRanges,
): { text: string; parts: TextPart[]; clients: Set<number> } {
  let run = ''
  const parts: TextPart[] = []
  const clients = new Set<number>()
  let index = 0
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    const range = clocks.get(item.id.client)
    if (range !== undefined && item.content instanceof Y.ContentString) {
      const from = Math.max(range.from, item.id.clock)
      const to = Math.min(range.to, item.id.clock + item.length)
      if (from < to) {
        run += item.content.str.slice(from - item.id.clock, to - item.id.clock)
        parts.push({ index: index + from - item.id.clock, length: to - from })
        clients.add(item.id.client)
      }
    }
    index += item.length
  }
  return { text: run, parts, clients }
}

function isNewIn(item: Y.Item, transaction: Y.Transaction): boolean {
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

/** Equal blocks, in order: their XML (names, attributes, text and formatting) is the same. */
function sameContent(ours: readonly Y.XmlElement[], theirs: readonly Y.XmlElement[]): boolean {
  return ours.length === theirs.length && ours.every((copy, i) => copy.toString() === theirs[i]!.toString())
}

function deleteFromParent(element: Y.XmlElement): void {
  const parent = element.parent
  if (!(parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment)) return
  const index = parent.toArray().indexOf(element)
  if (index >= 0) parent.delete(index, 1)
}
