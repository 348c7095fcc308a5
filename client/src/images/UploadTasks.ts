/** Uploads in progress and the ones that failed, for the status tray: a tiny external store. */

export interface UploadTask {
  readonly id: number
  readonly fileName: string
  /** 0..1 while sending. */
  readonly progress: number
  /** Why it failed, in words a person can act on; null while it runs. */
  readonly error: string | null
}

export class UploadTasks {
  private tasks: readonly UploadTask[] = []
  private nextId = 1
  private readonly listeners = new Set<() => void>()

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The current list; a new array after every change (a stable snapshot otherwise). */
  snapshot = (): readonly UploadTask[] => this.tasks

  start(fileName: string): number {
    const id = this.nextId++
    this.set([...this.tasks, { id, fileName, progress: 0, error: null }])
    return id
  }

  progress(id: number, progress: number): void {
    this.set(this.tasks.map((task) => (task.id === id ? { ...task, progress } : task)))
  }

  fail(id: number, error: string): void {
    this.set(this.tasks.map((task) => (task.id === id ? { ...task, error } : task)))
  }

  /** Done, or a failure dismissed. */
  remove(id: number): void {
    this.set(this.tasks.filter((task) => task.id !== id))
  }

  private set(tasks: readonly UploadTask[]): void {
    this.tasks = tasks
    for (const listener of this.listeners) listener()
  }
}
