/** Runs async tasks one after another; `idle()` settles once every task queued so far has. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve()

  /** Queues `task`; its result (or failure) is the caller's, never the next task's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(task)
    this.tail = turn.then(
      () => {},
      () => {},
    )
    return turn
  }

  idle(): Promise<void> {
    return this.tail
  }
}
