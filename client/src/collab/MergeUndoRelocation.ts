/**
 * Keeps a collaborator's text where they typed it when this person's undo takes a paragraph merge
 * apart. A tree CRDT has no move: merging "First" and "Second" copies "Second" into the first
 * paragraph's XmlText and deletes the second paragraph. Text someone typed after the copy is anchored
 * to the copied characters, so when the undo deletes the copy and restores the second paragraph, that
 * text stayed behind in the first one ("First plus Ben" / "Second"). Right after such an undo, this
 * moves it to the same place in the restored copy ("First" / "Second plus Ben").
 *
 * The move runs as part of the undo: its transaction has the UndoManager as origin while the manager
 * is still undoing, so Yjs records it as a redo step, which is then folded into the redo step the undo
 * produced. One redo therefore reverses both: the paragraphs merge again and the moved text goes back
 * to where it was, after the merged copy. Yjs re-creates anything an undo or redo restores (and this
 * move) under this client's id; those characters are remembered as written for others (in memory,
 * for the session, like the undo stack), so the undo delete filter keeps them and whatever holds them
 * as it keeps anything someone else wrote; except while the step that wrote them is itself undone or
 * redone, since that step puts them back elsewhere in the same transaction.
 */
import * as Y from 'yjs'

type StackItem = Y.UndoManager['undoStack'][number]
type DeleteSet = StackItem['deletions']

/** Yjs passes this with `stack-item-popped` (its typings call the event `StackItemEvent`). */
interface StackItemPopped {
  stackItem: StackItem
  type: 'undo' | 'redo'
}

/** A live run of text anchored after (or inside) the copy the undo deleted. */
interface Stray {
  /** Its index in the container it stands in now. */
  index: number
  text: string
  /** How many characters of the deleted copy precede it: where it goes in the restored container. */
  copyOffset: number
}

export class MergeUndoRelocation {
  /** Characters this client wrote on behalf of others (moved, or restored by an undo or redo). */
  private readonly writtenForOthers = new Set<string>()
  /** The step an undo or redo is applying right now, while its transaction runs. */
  private poppingStep: StackItem | null = null
  private relocating = false
  private readonly handleStackItemPopped = (event: StackItemPopped) => this.relocate(event)
  private readonly handleBeforeTransaction = (transaction: Y.Transaction) => {
    const { undoManager } = this
    // A destroyed UndoManager drops itself from its tracked origins; its doc listener goes with it.
    if (!undoManager.trackedOrigins.has(undoManager)) return this.destroy()
    if (transaction.origin !== undoManager || this.relocating) return
    // Yjs pops the step inside the transaction, so it is still on top of its stack here.
    const stack = undoManager.undoing
      ? undoManager.undoStack
      : undoManager.redoing
        ? undoManager.redoStack
        : []
    this.poppingStep = stack[stack.length - 1] ?? null
  }

  constructor(private readonly undoManager: Y.UndoManager) {
    undoManager.on('stack-item-popped', this.handleStackItemPopped)
    undoManager.doc.on('beforeTransaction', this.handleBeforeTransaction)
  }

  /**
   * True when the character at `client`/`clock` is text this client wrote only to keep someone else's:
   * the undo filter keeps it. Not while the step that wrote it (as an insertion of its own) is undone
   * or redone: that step puts the text back where it came from in the same transaction.
   */
  isWrittenForOthers(client: number, clock: number): boolean {
    if (!this.writtenForOthers.has(idKey(client, clock))) return false
    const step = this.poppingStep
    return step === null || !Y.isDeleted(step.insertions, Y.createID(client, clock))
  }

  destroy(): void {
    this.undoManager.off('stack-item-popped', this.handleStackItemPopped)
    this.undoManager.doc.off('beforeTransaction', this.handleBeforeTransaction)
  }

  private relocate({ stackItem, type }: StackItemPopped): void {
    const { undoManager } = this
    const { doc } = undoManager
    // While undoing, Yjs pushes a tracked transaction onto the redo stack (and while redoing, onto the
    // undo stack) as a step of its own; it is folded into the step this undo or redo just produced.
    const target = () => (type === 'undo' ? undoManager.redoStack : undoManager.undoStack)
    this.poppingStep = null
    const stepsBefore = target().length
    this.relocating = true
    try {
      doc.transact((transaction) => {
        this.rememberRestoredForOthers(transaction, stackItem.deletions)
        const copies = deletedCopies(transaction, stackItem.insertions)
        if (copies.size === 0) return
        const restored = restoredTexts(transaction, stackItem.deletions)
        for (const [container, copyIds] of copies) this.moveStrays(container, copyIds, restored)
      }, undoManager)
    } finally {
      this.relocating = false
    }
    const steps = target()
    if (steps.length === stepsBefore + 1 && stepsBefore > 0) {
      const move = steps.pop()!
      const step = steps[steps.length - 1]!
      step.insertions = Y.mergeDeleteSets([step.insertions, move.insertions])
      step.deletions = Y.mergeDeleteSets([step.deletions, move.deletions])
    }
  }

  /** What the undo or redo re-created of someone else's text is theirs, though written under our id. */
  private rememberRestoredForOthers(transaction: Y.Transaction, deletions: DeleteSet): void {
    const { clientID } = transaction.doc
    Y.iterateDeletedStructs(transaction, deletions, (struct) => {
      if (!(struct instanceof Y.Item) || struct.redone === null) return
      if (struct.id.client === clientID && !this.writtenForOthers.has(idKey(clientID, struct.id.clock)))
        return
      const { client, clock } = struct.redone
      for (let i = 0; i < struct.length; i++) this.writtenForOthers.add(idKey(client, clock + i))
    })
  }

  /** Moves the live text anchored to the deleted copy in `container` into the restored XmlText. */
  private moveStrays(
    container: Y.XmlText,
    copyIds: ReadonlySet<string>,
    restored: readonly Y.XmlText[],
  ): void {
    const anchored = new Set(copyIds)
    const strays: Stray[] = []
    let copy = ''
    let index = 0
    for (let item = container._start; item !== null; item = item.right) {
      const isText = item.content instanceof Y.ContentString
      if (isText && anchored.has(idKey(item.id.client, item.id.clock))) {
        if (copyIds.has(idKey(item.id.client, item.id.clock))) copy += (item.content as Y.ContentString).str
      } else if (
        isText &&
        item.origin !== null &&
        anchored.has(idKey(item.origin.client, item.origin.clock))
      ) {
        // Typed after a copied character, or after text that was: it belongs with the copy.
        for (let i = 0; i < item.length; i++) anchored.add(idKey(item.id.client, item.id.clock + i))
        if (!item.deleted) {
          strays.push({ index, text: (item.content as Y.ContentString).str, copyOffset: copy.length })
        }
      }
      if (!item.deleted && item.countable) index += item.length
    }
    if (strays.length === 0 || copy === '') return
    const destination = restored.find((text) => plainText(text).includes(copy))
    if (destination === undefined) return
    const at = plainText(destination).indexOf(copy)
    for (const stray of [...strays].reverse()) container.delete(stray.index, stray.text.length)
    const { doc } = this.undoManager
    let inserted = 0
    for (const stray of strays) {
      const firstClock = Y.getState(doc.store, doc.clientID)
      destination.insert(at + stray.copyOffset + inserted, stray.text)
      inserted += stray.text.length
      const endClock = Y.getState(doc.store, doc.clientID)
      for (let clock = firstClock; clock < endClock; clock++)
        this.writtenForOthers.add(idKey(doc.clientID, clock))
    }
  }
}

/** The characters the popped step had inserted (a merge's copy) and the undo deleted, by the live XmlText they stood in. */
function deletedCopies(transaction: Y.Transaction, insertions: DeleteSet): Map<Y.XmlText, Set<string>> {
  const copies = new Map<Y.XmlText, Set<string>>()
  Y.iterateDeletedStructs(transaction, insertions, (struct) => {
    if (!(struct instanceof Y.Item) || !struct.deleted || !(struct.content instanceof Y.ContentString)) return
    const container = struct.parent
    if (!(container instanceof Y.XmlText) || container._item === null || container._item.deleted) return
    let ids = copies.get(container)
    if (ids === undefined) {
      ids = new Set()
      copies.set(container, ids)
    }
    for (let i = 0; i < struct.length; i++) ids.add(idKey(struct.id.client, struct.id.clock + i))
  })
  return copies
}

/** The XmlTexts (a paragraph's text) this undo re-created, live. */
function restoredTexts(transaction: Y.Transaction, deletions: DeleteSet): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  Y.iterateDeletedStructs(transaction, deletions, (struct) => {
    if (!(struct instanceof Y.Item) || struct.redone === null) return
    if (!(struct.content instanceof Y.ContentType) || !(struct.content.type instanceof Y.XmlText)) return
    let copy = Y.getItem(transaction.doc.store, struct.redone)
    while (copy.redone !== null) copy = Y.getItem(transaction.doc.store, copy.redone)
    if (!copy.deleted && copy.content instanceof Y.ContentType && copy.content.type instanceof Y.XmlText) {
      texts.push(copy.content.type)
    }
  })
  return texts
}

function idKey(client: number, clock: number): string {
  return `${client}:${clock}`
}

function plainText(text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>)
    .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
    .join('')
}
