import { describe, expect, it } from 'vitest'
import { CommitQueue } from './CommitQueue'
import type { UpdateEntry } from './DocumentStore'
import { MemoryStore } from './memory/MemoryStore'
import { StorageError } from './StorageError'

/** A MemoryStore whose appends wait until the test lets them finish, so batches can pile up. */
class GatedStore extends MemoryStore {
  readonly appended: UpdateEntry[][] = []
  private gates: Array<() => void> = []
  failNext: Error | null = null

  override async append(entries: readonly UpdateEntry[]): Promise<void> {
    this.appended.push([...entries])
    await new Promise<void>((resolve) => this.gates.push(resolve))
    const failure = this.failNext
    this.failNext = null
    if (failure) throw failure
    await super.append(entries)
  }

  get waiting(): number {
    return this.gates.length
  }

  /** Lets the oldest append in flight finish. */
  release(): void {
    this.gates.shift()?.()
  }
}

const bytes = (n: number) => new Uint8Array([n])
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s')
    await turn()
  }
}

describe('CommitQueue', () => {
  it('writes what one turn enqueued as one batch, and the same promise for each of its updates', async () => {
    const store = new GatedStore()
    const queue = new CommitQueue(store)
    const first = queue.enqueue('a', bytes(1))
    const second = queue.enqueue('b', bytes(2))
    expect(second).toBe(first)
    await until(() => store.waiting === 1)
    expect(store.appended).toEqual([
      [
        { room: 'a', update: bytes(1) },
        { room: 'b', update: bytes(2) },
      ],
    ])
    store.release()
    await first
    expect((await store.load('a')).updates).toEqual([bytes(1)])
  })

  it('grows the next batch while one is in flight: one append for everything that waited', async () => {
    const store = new GatedStore()
    const queue = new CommitQueue(store)
    const first = queue.enqueue('a', bytes(1))
    await until(() => store.waiting === 1)
    const waiting: Promise<void>[] = []
    for (let i = 2; i <= 6; i++) {
      waiting.push(queue.enqueue('a', bytes(i)))
      await turn()
    }
    expect(store.appended, 'nothing else written while the first append is in flight').toHaveLength(1)
    expect(new Set(waiting).size, 'all five share one batch').toBe(1)
    store.release()
    await first
    await until(() => store.waiting === 1)
    expect(store.appended[1]!.map((entry) => entry.update[0])).toEqual([2, 3, 4, 5, 6])
    store.release()
    await waiting[0]
    expect((await store.load('a')).updates.map((update) => update[0])).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('rejects only the failed batch; the next one is still written, and listeners hear only committed ones', async () => {
    const store = new GatedStore()
    const failures: unknown[] = []
    const queue = new CommitQueue(store, { onAppendFailed: (error) => failures.push(error) })
    const heard: number[][] = []
    queue.onCommitted((entries) => heard.push(entries.map((entry) => entry.update[0]!)))
    store.failNext = new StorageError('unavailable', 'disk full')
    const failed = queue.enqueue('a', bytes(1))
    await until(() => store.waiting === 1)
    const next = queue.enqueue('a', bytes(2))
    store.release()
    await expect(failed).rejects.toThrow('disk full')
    await until(() => store.waiting === 1)
    store.release()
    await next
    expect(heard).toEqual([[2]])
    expect(failures).toHaveLength(1)
    expect((await store.load('a')).updates.map((update) => update[0])).toEqual([2])
  })

  it('runs every listener even when one throws, and reports the throw', async () => {
    const store = new MemoryStore()
    const reported: unknown[] = []
    const queue = new CommitQueue(store, { onListenerFailed: (error) => reported.push(error) })
    const heard: string[] = []
    queue.onCommitted(() => {
      throw new Error('listener bug')
    })
    const remove = queue.onCommitted((entries) => heard.push(...entries.map((entry) => entry.room)))
    await queue.enqueue('a', bytes(1))
    remove()
    await queue.enqueue('b', bytes(2))
    expect(heard).toEqual(['a'])
    expect(reported).toHaveLength(2)
  })

  it('flush() settles once everything enqueued so far is written, failed or not', async () => {
    const store = new GatedStore()
    const queue = new CommitQueue(store)
    queue.enqueue('a', bytes(1))
    let flushed = false
    const flush = queue.flush().then(() => {
      flushed = true
    })
    await until(() => store.waiting === 1)
    queue.enqueue('a', bytes(2))
    const flushBoth = queue.flush()
    store.release()
    await flush
    expect(flushed).toBe(true)
    await until(() => store.waiting === 1)
    store.failNext = new StorageError('unavailable', 'gone')
    store.release()
    await expect(flushBoth).resolves.toBeUndefined()
    await expect(queue.flush()).resolves.toBeUndefined()
  })
})
