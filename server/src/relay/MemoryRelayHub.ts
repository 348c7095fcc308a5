/**
 * An in-process stand-in for Redis pub/sub: relays created from one hub hear each other. For tests
 * of the room layer across "nodes" without Redis, including outages (setConnected).
 */
import type { Relay, RelayEnvelope, RelayLogger, RelayMessage, RelayState } from './Relay'
import { RelayDispatcher } from './RelayDispatcher'
import { decodeRelayEnvelope, encodeRelayEnvelope } from './relayCodec'

export class MemoryRelayHub {
  private readonly relays = new Set<MemoryRelay>()
  private up = true

  get connected(): boolean {
    return this.up
  }

  /** A relay on this hub; it reports 'connected' on the next turn of the event loop if the hub is up. */
  createRelay(nodeId: string, logger: RelayLogger): Relay {
    const relay = new MemoryRelay(nodeId, logger, this)
    this.relays.add(relay)
    setImmediate(() => {
      if (this.up) relay.setState('connected')
    })
    return relay
  }

  /** Simulates a Redis outage (false) and its end (true) for every relay; in-flight messages are lost. */
  setConnected(connected: boolean): void {
    if (this.up === connected) return
    this.up = connected
    for (const relay of this.relays) relay.setState(connected ? 'connected' : 'disconnected')
  }

  /** @internal Encodes through the real codec, so receivers get copies, as over the wire. */
  broadcast(sender: MemoryRelay, room: string, message: RelayMessage): void {
    const bytes = encodeRelayEnvelope({ from: sender.nodeId, sentAtMs: Date.now(), message })
    for (const relay of this.relays) {
      if (relay === sender || !relay.listensTo(room)) continue
      // Later, as from a socket; FIFO, so one sender's messages keep their order.
      setImmediate(() => {
        if (!this.up) return
        const { from, message: received } = decodeRelayEnvelope(bytes)
        relay.receive(room, { from, message: received })
      })
    }
  }

  /** @internal */
  remove(relay: MemoryRelay): void {
    this.relays.delete(relay)
  }
}

class MemoryRelay implements Relay {
  private readonly dispatcher: RelayDispatcher
  private readonly rooms = new Set<string>()
  private currentState: RelayState = 'disconnected'
  private closed = false

  constructor(
    readonly nodeId: string,
    logger: RelayLogger,
    private readonly hub: MemoryRelayHub,
  ) {
    this.dispatcher = new RelayDispatcher(nodeId, logger)
  }

  get state(): RelayState {
    return this.currentState
  }

  async subscribe(room: string, handler: (envelope: RelayEnvelope) => void): Promise<void> {
    if (this.closed) return
    this.dispatcher.setHandler(room, handler)
    this.rooms.add(room)
  }

  async unsubscribe(room: string): Promise<void> {
    this.dispatcher.removeHandler(room)
    this.rooms.delete(room)
  }

  publish(room: string, message: RelayMessage): void {
    if (this.closed || !this.hub.connected) return
    this.hub.broadcast(this, room, message)
  }

  onStateChange(listener: (state: RelayState) => void): () => void {
    return this.dispatcher.addStateListener(listener)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.currentState = 'disconnected'
    this.dispatcher.clear()
    this.rooms.clear()
    this.hub.remove(this)
  }

  listensTo(room: string): boolean {
    return this.rooms.has(room)
  }

  receive(room: string, envelope: RelayEnvelope): void {
    if (!this.closed) this.dispatcher.dispatch(room, envelope)
  }

  setState(state: RelayState): void {
    if (this.closed || state === this.currentState) return
    this.currentState = state
    this.dispatcher.emitState(state)
  }
}
