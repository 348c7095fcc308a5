/** The side of a relay that faces the rooms: their handlers and state listeners, each call isolated. */
import type { RelayEnvelope, RelayLogger, RelayState } from './Relay'

type Handler = (envelope: RelayEnvelope) => void
type StateListener = (state: RelayState) => void

/** Shared by every Relay adapter so they filter and isolate exactly alike. */
export class RelayDispatcher {
  private readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Set<StateListener>()

  constructor(
    private readonly nodeId: string,
    private readonly logger: RelayLogger,
  ) {}

  get roomCount(): number {
    return this.handlers.size
  }

  setHandler(room: string, handler: Handler): void {
    this.handlers.set(room, handler)
  }

  /** Returns whether the room had a handler. */
  removeHandler(room: string): boolean {
    return this.handlers.delete(room)
  }

  /** Returns a function that removes the listener. */
  addStateListener(listener: StateListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  clear(): void {
    this.handlers.clear()
    this.listeners.clear()
  }

  /** Hands a message from another node to its room; a reply addressed to someone else goes nowhere. */
  dispatch(room: string, envelope: RelayEnvelope): void {
    const { message } = envelope
    if (message.kind === 'sync-reply' && message.to !== this.nodeId) return
    const handler = this.handlers.get(room)
    if (!handler) return
    try {
      handler(envelope)
    } catch (error) {
      this.logger.error(
        { err: error, room, from: envelope.from, kind: message.kind },
        'relay message handler failed',
      )
    }
  }

  emitState(state: RelayState): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(state)
      } catch (error) {
        this.logger.error({ err: error, state }, 'relay state listener failed')
      }
    }
  }
}
