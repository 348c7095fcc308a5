/**
 * Whole-document writes through the API (restore, content replace and append), one at a time per
 * document. Each is computed on the content worker against the room's state when it starts; two at
 * once (a double click on Restore) would both be written against the same state and merge into a mix
 * of both. Queued, the second starts from the first one's result. Documents without a write in
 * flight hold no entry.
 */
export class DocumentWriteQueue {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `task` once every write of `documentId` queued before it has settled; its result is the caller's. */
  run<T>(documentId: string, task: () => Promise<T>): Promise<T> {
    const turn = (this.tails.get(documentId) ?? Promise.resolve()).then(task)
    const tail = turn.then(
      () => {},
      () => {},
    )
    this.tails.set(documentId, tail)
    // The last write of the document drops its entry, so the map holds only documents being written.
    void tail.then(() => {
      if (this.tails.get(documentId) === tail) this.tails.delete(documentId)
    })
    return turn
  }

  /** Documents with a write queued or running (for tests). */
  get size(): number {
    return this.tails.size
  }
}
