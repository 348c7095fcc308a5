/**
 * The rooms loaded on this node. Concurrent first joins share one load; a room is released when its
 * last connection leaves, after its writes are durable, and compacted on the way out.
 */
import { Room, type RoomContext } from './Room'

type Entry =
  | { readonly state: 'loading'; readonly promise: Promise<Room> }
  | { readonly state: 'open'; readonly room: Room }
  | { readonly state: 'closing'; readonly promise: Promise<void> }

export type RegistryContext = Omit<RoomContext, 'onEmpty'>

export class RoomRegistry {
  private readonly entries = new Map<string, Entry>()
  private shuttingDown = false
  /** Rooms held by work that is not a connection (an API call): not released while held. */
  private readonly holds = new Map<Room, number>()
  private readonly roomContext: RoomContext

  constructor(ctx: RegistryContext) {
    this.roomContext = { ...ctx, onEmpty: (room) => this.handleEmpty(room) }
  }

  /** Number of rooms in memory (loading, open or closing). */
  get size(): number {
    return this.entries.size
  }

  get openRooms(): Room[] {
    const rooms: Room[] = []
    for (const entry of this.entries.values()) if (entry.state === 'open') rooms.push(entry.room)
    return rooms
  }

  /** The open room, loading it first when needed. Rejects when the stored state cannot be loaded. */
  async acquire(name: string): Promise<Room> {
    for (;;) {
      const entry = this.entries.get(name)
      if (!entry) return this.load(name)
      if (entry.state === 'open') return entry.room
      if (entry.state === 'loading') await entry.promise
      else await entry.promise
    }
  }

  /**
   * Runs `work` on the open room (loading it when needed) and keeps the room loaded until it
   * settles; a room nobody joined meanwhile is then released like one whose last connection left,
   * so an API call never keeps a document in memory.
   */
  async use<T>(name: string, work: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.acquire(name)
    this.holds.set(room, (this.holds.get(room) ?? 0) + 1)
    try {
      return await work(room)
    } finally {
      const left = (this.holds.get(room) ?? 1) - 1
      if (left > 0) this.holds.set(room, left)
      else {
        this.holds.delete(room)
        this.releaseIfIdle(room)
      }
    }
  }

  /** Releases a room nobody joined after all (e.g. the only joiner left while it loaded). */
  releaseIfIdle(room: Room): void {
    if (room.connections.size === 0) this.handleEmpty(room)
  }

  /**
   * From now on rooms are released without compacting (shutdown): the log is durable as it is, and a
   * restart should not wait for every edited room to be folded. Rooms compact when they pass the
   * thresholds or empty out while the node runs.
   */
  beginShutdown(): void {
    this.shuttingDown = true
  }

  /** Releases every room, waiting for their writes; used on shutdown (see beginShutdown). */
  async releaseAll(): Promise<void> {
    this.beginShutdown()
    const pending: Promise<unknown>[] = []
    // Shutting down: API calls still holding a room lose it (their edits are committed or refused).
    this.holds.clear()
    for (const entry of this.entries.values()) {
      if (entry.state === 'open') this.handleEmpty(entry.room)
    }
    for (const entry of this.entries.values()) {
      if (entry.state !== 'open') pending.push(entry.promise.catch(() => undefined))
    }
    await Promise.all(pending)
  }

  private load(name: string): Promise<Room> {
    const promise = Room.load(name, this.roomContext).then(
      (room) => {
        this.entries.set(name, { state: 'open', room })
        this.roomContext.metrics.rooms.set(this.entries.size)
        return room
      },
      (error: unknown) => {
        this.entries.delete(name)
        this.roomContext.metrics.rooms.set(this.entries.size)
        this.roomContext.metrics.storeFailures.labels('load').inc()
        throw error
      },
    )
    this.entries.set(name, { state: 'loading', promise })
    this.roomContext.metrics.rooms.set(this.entries.size)
    return promise
  }

  private handleEmpty(room: Room): void {
    if (this.holds.has(room)) return
    const entry = this.entries.get(room.name)
    if (entry?.state === 'open' && entry.room === room) {
      // Joiners arriving meanwhile wait for this to finish, then load the stored state afresh.
      const promise: Promise<void> = this.unload(room, !this.shuttingDown).finally(() => {
        const current = this.entries.get(room.name)
        if (current?.state === 'closing' && current.promise === promise) this.entries.delete(room.name)
        this.roomContext.metrics.rooms.set(this.entries.size)
      })
      this.entries.set(room.name, { state: 'closing', promise })
    }
  }

  private async unload(room: Room, compact: boolean): Promise<void> {
    const { commits, relay, store, logger } = this.roomContext
    try {
      await commits.flush()
      if (compact && room.logSize.rows > 0) await store.compact(room.name)
    } catch (error) {
      logger.warn({ room: room.name, err: error }, 'compaction on unload failed')
    } finally {
      if (relay) await relay.unsubscribe(room.name).catch(() => undefined)
      room.destroy()
    }
  }
}
