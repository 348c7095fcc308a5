/**
 * The contract every Relay adapter passes; each adapter's test file calls runRelayContract. Test
 * names cite these rules:
 *
 * R1  A new relay starts 'disconnected' and emits 'connected' once it can carry messages.
 * R2  Every message kind published for a room reaches every other node subscribed to it, bytes
 *     intact, with the sender's node id, in publish order.
 * R3  A node never hears its own messages.
 * R4  A sync-reply reaches only the node it is addressed to.
 * R5  A node hears only the rooms it subscribed to; after unsubscribe it hears nothing more of a room.
 * R6  Subscribing a room again replaces its handler.
 * R7  A handler that throws is logged at error level and delivery carries on.
 * R8  Outage: state goes 'disconnected'; publish drops without throwing; subscribe and unsubscribe
 *     resolve.                                                                  [interruptible]
 * R9  After the outage every node emits 'connected' again; rooms subscribed before or during it hear
 *     messages, rooms unsubscribed during it stay silent.                        [interruptible]
 * R10 close() is idempotent; afterwards nothing is delivered or emitted and publish is a no-op.
 * R11 CONTROL_ROOM is a room like any other: a revocation published there reaches every other node
 *     subscribed to it, whatever rooms the publisher has open.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CONTROL_ROOM,
  type Relay,
  type RelayEnvelope,
  type RelayLogger,
  type RelayMessage,
  type RelayState,
} from './Relay'

const WAIT_TIMEOUT_MS = 8_000
const POLL_INTERVAL_MS = 10

/** Polls `condition` until it holds; throws naming `what` after the deadline. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
  readonly context: object
}

export function recordingLogger(lines: LogLine[]): RelayLogger {
  const log =
    (level: LogLine['level']) =>
    (context: object, message: string): void => {
      lines.push({ level, message, context })
    }
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

/** A relay plus what it delivered and emitted, for assertions. */
export interface WatchedRelay {
  readonly relay: Relay
  readonly states: RelayState[]
  readonly logs: LogLine[]
  /** Deliveries of one room, in order. */
  inbox(room: string): RelayEnvelope[]
  /** Subscribes the room with a handler that fills its inbox. */
  join(room: string): Promise<void>
}

export function watchRelay(relay: Relay, logs: LogLine[]): WatchedRelay {
  const states: RelayState[] = []
  const inboxes = new Map<string, RelayEnvelope[]>()
  relay.onStateChange((state) => states.push(state))
  const inbox = (room: string) => {
    const list = inboxes.get(room) ?? []
    inboxes.set(room, list)
    return list
  }
  return {
    relay,
    states,
    logs,
    inbox,
    join: (room) => relay.subscribe(room, (envelope) => inbox(room).push(envelope)),
  }
}

export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)
export const update = (...values: number[]): RelayMessage => ({ kind: 'update', update: bytes(...values) })

export function untilConnected(...nodes: WatchedRelay[]): Promise<void> {
  return waitFor(() => nodes.every((node) => node.relay.state === 'connected'), 'relays to connect')
}

/**
 * Proves that what `sender` published to `room` before now has reached `receiver` (or never will):
 * a marker published after it arrives. Order holds per room only; rooms of a cluster live on
 * different shards, so a marker in one room says nothing about another room.
 */
export async function flush(sender: WatchedRelay, receiver: WatchedRelay, room: string): Promise<void> {
  const marker = update(0xfe, ...randomBytes(8))
  const isMarker = (envelope: RelayEnvelope) => JSON.stringify(envelope.message) === JSON.stringify(marker)
  sender.relay.publish(room, marker)
  await waitFor(() => receiver.inbox(room).some(isMarker), `a marker in ${room} at ${receiver.relay.nodeId}`)
}

/** Messages of `room` at `node` other than flush markers. */
export function payloads(node: WatchedRelay, room: string): RelayEnvelope[] {
  return node.inbox(room).filter(({ message }) => !(message.kind === 'update' && message.update[0] === 0xfe))
}

export interface RelayHarness {
  /** A new relay on the shared transport, connected or connecting. The suite closes it. */
  createRelay(nodeId: string, logger: RelayLogger): Relay
  /** Cuts every relay off its transport (enables R8, R9). */
  interrupt?(): Promise<void>
  /** Ends the outage `interrupt` began. */
  restore?(): Promise<void>
  /** Stops what setup started. */
  cleanup(): Promise<void>
}

export function runRelayContract(name: string, setup: () => Promise<RelayHarness>): void {
  describe(`${name} relay contract`, () => {
    let harness: RelayHarness
    const open: WatchedRelay[] = []

    const node = (nodeId: string): WatchedRelay => {
      const logs: LogLine[] = []
      const watched = watchRelay(harness.createRelay(nodeId, recordingLogger(logs)), logs)
      open.push(watched)
      return watched
    }
    const connectedNodes = async (...ids: string[]) => {
      const nodes = ids.map(node)
      await untilConnected(...nodes)
      return nodes
    }

    beforeAll(async () => {
      harness = await setup()
    })

    afterEach(async () => {
      await Promise.all(open.splice(0).map((watched) => watched.relay.close()))
    })

    afterAll(async () => {
      await harness?.cleanup()
    })

    it('R1 starts disconnected and emits connected once', async () => {
      const a = node('a')
      expect(a.relay.state).toBe('disconnected')
      expect(a.relay.nodeId).toBe('a')
      await untilConnected(a)
      expect(a.states).toEqual(['connected'])
    })

    it('R2 R3 carries every message kind, intact and in order, to the other node and not back', async () => {
      const [a, b] = await connectedNodes('a', 'b')
      await Promise.all([a!.join('doc'), b!.join('doc')])
      const sent: RelayMessage[] = [
        update(1, 2, 3),
        { kind: 'awareness', update: bytes(4, 5) },
        { kind: 'sync-request', stateVector: bytes(0) },
        { kind: 'sync-reply', to: 'b', update: bytes(6), stateVector: bytes(6) },
        update(),
        { kind: 'update', update: new Uint8Array(64 * 1024).fill(7) },
      ]
      for (const message of sent) a!.relay.publish('doc', message)
      await waitFor(() => b!.inbox('doc').length === sent.length, 'b to receive every message')
      expect(b!.inbox('doc')).toEqual(sent.map((message) => ({ from: 'a', message })))
      await flush(b!, a!, 'doc')
      expect(a!.inbox('doc').map((envelope) => envelope.from)).toEqual(['b'])
    })

    it('R4 delivers a sync-reply only to its addressee', async () => {
      const [a, b, c] = await connectedNodes('a', 'b', 'c')
      await Promise.all([a!.join('doc'), b!.join('doc'), c!.join('doc')])
      const reply: RelayMessage = { kind: 'sync-reply', to: 'b', update: bytes(9), stateVector: bytes(9) }
      a!.relay.publish('doc', reply)
      await flush(a!, c!, 'doc')
      await flush(a!, b!, 'doc')
      expect(payloads(b!, 'doc')).toEqual([{ from: 'a', message: reply }])
      expect(payloads(c!, 'doc')).toEqual([])
    })

    it('R5 keeps rooms apart and stops a room at unsubscribe', async () => {
      // c hears every room and witnesses, per room, that a's messages have gone out.
      const [a, b, c] = await connectedNodes('a', 'b', 'c')
      await Promise.all([b!.join('one'), b!.join('two'), c!.join('one'), c!.join('three')])
      a!.relay.publish('one', update(1))
      a!.relay.publish('two', update(2))
      a!.relay.publish('three', update(3))
      await waitFor(() => b!.inbox('one').length === 1 && b!.inbox('two').length === 1, 'rooms one and two')
      await flush(a!, c!, 'three')
      expect(b!.inbox('one')).toEqual([{ from: 'a', message: update(1) }])
      expect(b!.inbox('two')).toEqual([{ from: 'a', message: update(2) }])
      expect(b!.inbox('three')).toEqual([])

      await b!.relay.unsubscribe('one')
      a!.relay.publish('one', update(11))
      await flush(a!, c!, 'one')
      expect(b!.inbox('one')).toEqual([{ from: 'a', message: update(1) }])
    })

    it('R6 replaces the handler of a room subscribed twice', async () => {
      const [a, b] = await connectedNodes('a', 'b')
      const first: RelayEnvelope[] = []
      await b!.relay.subscribe('doc', (envelope) => first.push(envelope))
      await b!.join('doc')
      a!.relay.publish('doc', update(1))
      await waitFor(() => b!.inbox('doc').length === 1, 'delivery to the second handler')
      expect(first).toEqual([])
    })

    it('R7 logs a throwing handler and keeps delivering', async () => {
      const [a, b] = await connectedNodes('a', 'b')
      let calls = 0
      await b!.relay.subscribe('doc', (envelope) => {
        b!.inbox('doc').push(envelope)
        if (++calls === 1) throw new Error('handler bug')
      })
      a!.relay.publish('doc', update(1))
      a!.relay.publish('doc', update(2))
      await waitFor(() => b!.inbox('doc').length === 2, 'both messages')
      expect(b!.logs.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
        'relay message handler failed',
      ])
    })

    it('R8 R9 rides out an outage: drops while down, resubscribes every room, then reports connected', async (context) => {
      if (!harness.interrupt || !harness.restore) return context.skip()
      // c witnesses room 'left', which b leaves during the outage.
      const [a, b, c] = await connectedNodes('a', 'b', 'c')
      await Promise.all([a!.join('kept'), b!.join('kept'), b!.join('left'), c!.join('left')])

      await harness.interrupt()
      const all = [a!, b!, c!]
      await waitFor(() => all.every((node) => node.relay.state === 'disconnected'), 'disconnected')
      expect(() => a!.relay.publish('kept', update(1))).not.toThrow()
      await b!.join('joined')
      await b!.relay.unsubscribe('left')

      await harness.restore()
      await untilConnected(...all)
      for (const node of all) expect(node.states).toEqual(['connected', 'disconnected', 'connected'])
      a!.relay.publish('left', update(2))
      a!.relay.publish('joined', update(3))
      await waitFor(() => b!.inbox('joined').length === 1, 'the room joined during the outage')
      expect(b!.inbox('joined')).toEqual([{ from: 'a', message: update(3) }])
      await flush(a!, b!, 'kept')
      expect(payloads(b!, 'kept')).toEqual([])
      await flush(a!, c!, 'left')
      expect(b!.inbox('left')).toEqual([])
      await flush(b!, a!, 'kept')
    })

    it('R11 carries a revocation on the control room to every other node, from a node with no room open', async () => {
      const [a, b, c] = await connectedNodes('a', 'b', 'c')
      await Promise.all([b!.join(CONTROL_ROOM), c!.join(CONTROL_ROOM), b!.join('doc')])
      const revoke: RelayMessage = { kind: 'revoke', documentId: 'doc', keyId: 'k1' }
      a!.relay.publish(CONTROL_ROOM, revoke)
      await waitFor(
        () => b!.inbox(CONTROL_ROOM).length === 1 && c!.inbox(CONTROL_ROOM).length === 1,
        'the revocation at b and c',
      )
      expect(b!.inbox(CONTROL_ROOM)).toEqual([{ from: 'a', message: revoke }])
      expect(c!.inbox(CONTROL_ROOM)).toEqual([{ from: 'a', message: revoke }])
      await flush(a!, b!, 'doc')
      expect(payloads(b!, 'doc')).toEqual([])
    })

    it('R10 close() is idempotent and silences the relay', async () => {
      const [a, b] = await connectedNodes('a', 'b')
      await Promise.all([a!.join('doc'), b!.join('doc')])
      await b!.relay.close()
      await b!.relay.close()
      expect(b!.relay.state).toBe('disconnected')
      expect(() => b!.relay.publish('doc', update(1))).not.toThrow()
      await b!.relay.subscribe('doc', () => {
        throw new Error('no delivery after close')
      })
      const c = node('c')
      await untilConnected(c)
      await c.join('doc')
      a!.relay.publish('doc', update(2))
      await flush(a!, c, 'doc')
      expect(b!.inbox('doc')).toEqual([])
      expect(b!.states).toEqual(['connected'])
      expect(payloads(a!, 'doc')).toEqual([])
      expect(b!.logs.filter((line) => line.level === 'error')).toEqual([])
    })
  })
}
