/**
 * Removes our copy of blocks that someone else moved at the same time. A tree CRDT has no move: when
 * the editor merges two lists (or joins blocks, or turns a block into another kind), the binding
 * writes copies of the moved blocks and deletes the old ones. Two people doing the same merge before
 * seeing each other's (deleting the paragraph between two lists, offline or within the latency)
 * each wrote a copy, so the moved items appeared twice on every page.
 *
 * The author of each copy decides for its own: when a remote update deletes a block our own move
 * deleted (so its author did not see our move) and writes, under the same parent, copies equal to
 * ours, the copy of the lower Yjs client id stays and we delete ours if our id is higher. Every page
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
}

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
    if (remoteCopies.size === 0) return
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
    this.moves = this.moves.filter((move) => !concurrent.includes(move))
    if (redundant.length === 0) return
    // A new transaction once this one is cleaned up: Yjs runs it right after, before anyone reads.
    transaction.doc.transact(() => {
      for (const copy of redundant) deleteFromParent(copy)
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
    const copies = copiesCreatedIn(transaction, (client) => client === transaction.doc.clientID)
    if (copies.size === 0) return
    this.moves.push({ deleted, copies })
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
