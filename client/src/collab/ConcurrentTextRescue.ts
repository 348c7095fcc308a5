/**
 * Puts back text of ours that a peer deleted without ever seeing it. A tree CRDT has no move: when a
 * peer merges two blocks (joins list items, merges two lists), the binding copies the moved text into
 * new Yjs types and deletes the old ones, and text we typed into an old one meanwhile goes down with
 * it. A text CRDT would have kept it, so we do: the author re-inserts it where the copy went, or, when
 * no copy holds the rest of the old text, in a new paragraph where the old block stood.
 *
 * Only what the peer did not see is put back: an update that names our text in its delete set was
 * made by someone who saw it and meant to delete it. Only the author rescues its own text, so nobody
 * puts it back twice.
 */
import * as Y from 'yjs'

/** Origin of the rescue's own transaction (not undoable: it restores, it does not edit). */
export const RESCUE_ORIGIN = Symbol('concurrent-text-rescue')

/** Lexical's element type of the block a rescue creates when the text has nowhere else to go. */
const PARAGRAPH_TYPE = 'paragraph'

interface LostRun {
  /** The deleted container (a V2 binding XmlText) and its text before the remote change. */
  container: Y.XmlText
  before: string
  /** Our characters in it, by offset into `before`, with the Yjs clock each was written at. */
  lost: LostCharacter[]
}

interface LostCharacter {
  offset: number
  /** One UTF-16 code unit; runs are re-joined before they are inserted, so pairs stay whole. */
  unit: string
  clock: number
}

export interface ConcurrentTextRescueOptions {
  doc: Y.Doc
  /** The V2 binding's root element. */
  root: Y.XmlElement
  /** True for origins that carry other people's changes (the provider, a relay). */
  isRemote: (origin: unknown) => boolean
}

export class ConcurrentTextRescue {
  private incoming: Uint8Array[] = []
  private readonly handleAfterTransaction = (transaction: Y.Transaction) => this.inspect(transaction)

  constructor(private readonly options: ConcurrentTextRescueOptions) {
    options.doc.on('afterTransaction', this.handleAfterTransaction)
  }

  /** Call with every remote update just before it is applied: its delete set says what its author saw. */
  noteIncomingUpdate(update: Uint8Array): void {
    this.incoming.push(update)
  }

  destroy(): void {
    this.options.doc.off('afterTransaction', this.handleAfterTransaction)
  }

  private inspect(transaction: Y.Transaction): void {
    if (transaction.origin === RESCUE_ORIGIN || !this.options.isRemote(transaction.origin)) return
    const updates = this.incoming
    this.incoming = []
    const runs = this.findLostRuns(transaction)
    if (runs.length === 0) return
    const explicit = updates.map((update) => Y.decodeUpdate(update).ds)
    const { clientID } = this.options.doc
    const named = ({ clock }: LostCharacter) =>
      explicit.some((ds) => Y.isDeleted(ds, Y.createID(clientID, clock)))
    // A new transaction once this one is cleaned up: Yjs runs it right after, before anyone reads.
    this.options.doc.transact(() => {
      for (const run of runs) this.restore(run, transaction, named)
    }, RESCUE_ORIGIN)
  }

  /** Our text items this transaction deleted together with the XmlText holding them. */
  private findLostRuns(transaction: Y.Transaction): LostRun[] {
    const { doc } = this.options
    const containers = new Map<Y.XmlText, LostRun>()
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (!(struct instanceof Y.Item) || struct.id.client !== doc.clientID) return
      if (!(struct.content instanceof Y.ContentString)) return
      const container = struct.parent
      if (!(container instanceof Y.XmlText) || container._item === null || !container._item.deleted) return
      if (!containers.has(container)) {
        containers.set(container, { container, before: '', lost: [] })
      }
    })
    for (const run of containers.values()) {
      // The container's text as it was: what was visible, plus what this transaction deleted.
      let before = ''
      for (let item = run.container._start; item !== null; item = item.right) {
        if (!(item.content instanceof Y.ContentString)) continue
        const visibleBefore = !item.deleted || Y.isDeleted(transaction.deleteSet, item.id)
        if (!visibleBefore) continue
        const text = item.content.str
        if (item.id.client === doc.clientID && item.deleted) {
          for (let i = 0; i < text.length; i++) {
            run.lost.push({ offset: before.length + i, unit: text[i]!, clock: item.id.clock + i })
          }
        }
        before += text
      }
      run.before = before
    }
    return [...containers.values()].filter((run) => run.lost.length > 0)
  }

  /**
   * Our characters the deleting update does not name were unseen by its author (a peer that saw them
   * deletes them by name; Tandem's server forwards the bytes a client sent, not a re-encoding that
   * names everything a container took with it). When the rest of the container moved into a new
   * XmlText (a merge), they go back there, where they stood; when it did not (the block was deleted),
   * into a new paragraph where the block stood.
   */
  private restore(
    run: LostRun,
    transaction: Y.Transaction,
    named: (character: LostCharacter) => boolean,
  ): void {
    const unseen = run.lost.filter((character) => !named(character))
    if (unseen.length === 0) return
    const unseenOffsets = new Set(unseen.map((character) => character.offset))
    const moved = stripOffsets(run.before, unseenOffsets)
    const copy = moved === '' ? null : this.findCopy(moved, transaction)
    if (copy === null) {
      this.insertParagraph(run.container, unseen)
      return
    }
    const at = plainText(copy).indexOf(moved)
    let inserted = 0
    for (const { offset, text } of contiguousRuns(unseen)) {
      const movedBefore = offset - countBelow(unseenOffsets, offset)
      copy.insert(at + movedBefore + inserted, text)
      inserted += text.length
    }
  }

  /** An XmlText the same transaction created whose text contains what moved out of the old one. */
  private findCopy(remaining: string, transaction: Y.Transaction): Y.XmlText | null {
    let found: Y.XmlText | null = null
    const visit = (type: Y.XmlElement | Y.XmlText) => {
      if (found !== null) return
      if (type instanceof Y.XmlText) {
        const created = type._item !== null && isNewIn(type._item, transaction)
        if (created && plainText(type).includes(remaining)) found = type
        return
      }
      for (const child of type.toArray()) {
        if (child instanceof Y.XmlElement || child instanceof Y.XmlText) visit(child)
      }
    }
    visit(this.options.root)
    return found
  }

  /** A new paragraph with the lost text, where the deleted block stood among its surviving siblings. */
  private insertParagraph(container: Y.XmlText, lost: readonly LostCharacter[]): void {
    const { root } = this.options
    // Climb to the deleted block that is a child of the root (or of the nearest surviving element).
    let block: Y.Item | null = container._item
    while (block !== null && block.parent instanceof Y.XmlElement && block.parent !== root) {
      const parentItem: Y.Item | null = block.parent._item
      if (parentItem === null || !parentItem.deleted) break
      block = parentItem
    }
    const parent = block?.parent instanceof Y.XmlElement ? block.parent : root
    let index = 0
    for (let left = block?.left ?? null; left !== null; left = left.left) {
      if (!left.deleted && left.countable) index++
    }
    const paragraph = new Y.XmlElement(PARAGRAPH_TYPE)
    const text = new Y.XmlText()
    text.insert(0, lost.map((character) => character.unit).join(''))
    paragraph.insert(0, [text])
    parent.insert(Math.min(index, parent.length), [paragraph])
  }
}

function isNewIn(item: Y.Item, transaction: Y.Transaction): boolean {
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)
}

function plainText(text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>)
    .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
    .join('')
}

/** Lost characters grouped into runs of adjacent offsets, each as one string. */
function contiguousRuns(lost: readonly LostCharacter[]): Array<{ offset: number; text: string }> {
  const runs: Array<{ offset: number; text: string }> = []
  for (const character of lost) {
    const last = runs[runs.length - 1]
    if (last && last.offset + last.text.length === character.offset) last.text += character.unit
    else runs.push({ offset: character.offset, text: character.unit })
  }
  return runs
}

function stripOffsets(text: string, offsets: ReadonlySet<number>): string {
  let out = ''
  for (let i = 0; i < text.length; i++) if (!offsets.has(i)) out += text[i]
  return out
}

function countBelow(offsets: ReadonlySet<number>, offset: number): number {
  let count = 0
  for (const other of offsets) if (other < offset) count++
  return count
}
