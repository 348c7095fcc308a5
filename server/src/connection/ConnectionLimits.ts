/** Connection counts per node and per room, checked on the upgrade before a socket or room exists. */
import type { LimitName } from '../metrics'

/** Which limit an upgrade would break: the node's or the room's. */
export type ConnectionRefusal = Extract<LimitName, 'node-connections' | 'room-connections'>

export class ConnectionLimits {
  private readonly perRoom = new Map<string, number>()
  private total = 0

  constructor(
    private readonly maxConnections: number,
    private readonly maxRoomConnections: number,
  ) {}

  /** Why one more connection to `room` must be refused now, or undefined when it fits. */
  refusal(room: string): ConnectionRefusal | undefined {
    if (this.total >= this.maxConnections) return 'node-connections'
    if ((this.perRoom.get(room) ?? 0) >= this.maxRoomConnections) return 'room-connections'
    return undefined
  }

  /** Counts a connection from the moment its socket exists (joining included) until it closes. */
  add(room: string): void {
    this.total++
    this.perRoom.set(room, (this.perRoom.get(room) ?? 0) + 1)
  }

  remove(room: string): void {
    const count = this.perRoom.get(room)
    if (count === undefined) return
    this.total--
    if (count <= 1) this.perRoom.delete(room)
    else this.perRoom.set(room, count - 1)
  }

  /** Rooms with at least one connection counted (for leak checks). */
  get roomCount(): number {
    return this.perRoom.size
  }
}
