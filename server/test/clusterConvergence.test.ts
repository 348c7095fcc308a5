/**
 * Seeded random runs of a small cluster (issue 22): three nodes sharing one store over the in-memory
 * relay, stock y-websocket clients making random edits while their sockets drop, they move between
 * nodes, go offline and the relay has outages; the run ends with an outage that no socket moves
 * through, which only the nodes' own state exchange can heal. At the end every client, every node
 * and the store hold one document, and it holds every change any client made (nothing lost). As in Yjs's own
 * tests, the seed replays a run: CLUSTER_SEED=<n> runs one, CLUSTER_SEEDS=<k> runs k more.
 */
import { mulberry32 } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { createLogger } from '../src/logger'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { MemoryRelayHub } from '../src/relay/MemoryRelayHub'
import type { Room } from '../src/rooms/Room'
import { startServer, type TestServer } from './helpers/startServer'

const ROOM = 'cluster'
const NODES = 3
const CLIENTS = 8
const STEPS = 1500
const WORDS = ['alpha ', 'beta ', 'γ ', 'δέλτα ', '🙂 ', 'x', '\n']

interface Client {
  readonly doc: Y.Doc
  provider: WebsocketProvider
  node: number
}

function connect(node: TestServer, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(node.wsUrl, ROOM, doc, {
    disableBc: true,
    // Reconnect fast: the run is about convergence, not backoff.
    maxBackoffTime: 200,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  })
}

function openRoom(node: TestServer): Room | undefined {
  return node.server.rooms.openRooms.find((room) => room.name === ROOM)
}

/** Every client id and clock in `doc`: what it has seen of everyone's changes. */
function stateOf(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc))
}

async function runCluster(seed: number): Promise<void> {
  const random = mulberry32(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const hub = new MemoryRelayHub()
  const store = new MemoryStore()
  const logger = createLogger('silent', false)
  const nodes: TestServer[] = []
  for (let i = 0; i < NODES; i++) {
    nodes.push(
      await startServer({ nodeId: `node-${i}` }, { store, relay: hub.createRelay(`node-${i}`, logger) }),
    )
  }
  const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => {
    const doc = new Y.Doc()
    const node = i % NODES
    return { doc, provider: connect(nodes[node]!, doc), node }
  })
  /** The highest clock each client wrote: whatever it made must end up everywhere. */
  const written = new Map<number, number>()
  /** Every client, every open room and the store hold one document with every change written. */
  const converged = () =>
    vi.waitFor(
      async () => {
        const reference = clients[0]!.doc
        const text = reference.getText('t').toString()
        for (const client of clients) expect(client.doc.getText('t').toString()).toBe(text)
        // A node whose clients all left has unloaded the room; the store check covers it.
        for (const node of nodes) {
          const room = openRoom(node)
          if (room) expect(room.doc.getText('t').toString()).toBe(text)
        }
        for (const [clientId, clock] of written) expect(stateOf(reference).get(clientId) ?? 0).toBe(clock)
        const stored = await store.load(ROOM)
        const disk = new Y.Doc()
        if (stored.snapshot) Y.applyUpdate(disk, stored.snapshot)
        for (const update of stored.updates) Y.applyUpdate(disk, update)
        expect(disk.getText('t').toString()).toBe(text)
        for (const [clientId, clock] of written) expect(stateOf(disk).get(clientId) ?? 0).toBe(clock)
      },
      { timeout: 30_000, interval: 100 },
    )
  try {
    for (let step = 0; step < STEPS; step++) {
      const client = pick(clients)
      const text = client.doc.getText('t')
      const roll = random()
      if (roll < 0.55) {
        text.insert(Math.floor(random() * (text.length + 1)), pick(WORDS))
      } else if (roll < 0.75) {
        if (text.length > 0) {
          const at = Math.floor(random() * text.length)
          text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 6)))
        }
      } else if (roll < 0.8) {
        // The socket drops; y-websocket reconnects on its own.
        client.provider.ws?.close()
      } else if (roll < 0.85) {
        // Offline for a while: edits pile up locally.
        if (client.provider.shouldConnect) client.provider.disconnect()
        else client.provider.connect()
      } else if (roll < 0.88) {
        // The load balancer sends it to another node.
        client.provider.destroy()
        client.node = (client.node + 1 + Math.floor(random() * (NODES - 1))) % NODES
        client.provider = connect(nodes[client.node]!, client.doc)
      } else if (roll < 0.9) {
        hub.setConnected(!hub.connected)
      }
      written.set(client.doc.clientID, Y.getState(client.doc.store, client.doc.clientID))
      // Let the network move: a few steps per turn, so messages interleave with edits.
      if (random() < 0.3) await new Promise((resolve) => setImmediate(resolve))
    }

    hub.setConnected(true)
    for (const client of clients) if (!client.provider.shouldConnect) client.provider.connect()
    await converged()

    // Last, an outage nobody reconnects through: every client edits while the nodes cannot hear each
    // other, then the relay comes back and no socket moves. Only the nodes' state exchange after the
    // outage (sync-request on 'connected') can bring each node what the others took in meanwhile.
    hub.setConnected(false)
    for (const client of clients) {
      client.doc.getText('t').insert(0, `[${client.doc.clientID}] `)
      written.set(client.doc.clientID, Y.getState(client.doc.store, client.doc.clientID))
    }
    await vi.waitFor(
      () => {
        for (const client of clients) {
          const room = openRoom(nodes[client.node]!)
          expect(room && stateOf(room.doc).get(client.doc.clientID)).toBe(written.get(client.doc.clientID))
        }
      },
      { timeout: 30_000, interval: 20 },
    )
    hub.setConnected(true)
    await converged()
  } finally {
    for (const client of clients) {
      client.provider.destroy()
      client.doc.destroy()
    }
  }
}

function seeds(): number[] {
  const one = process.env.CLUSTER_SEED
  if (one !== undefined) return [Number(one)]
  const extra = Number(process.env.CLUSTER_SEEDS ?? 0)
  return [1, 2, ...Array.from({ length: extra }, (_, i) => 1000 + i)]
}

describe('a cluster under random edits, drops, moves and relay outages', () => {
  for (const seed of seeds()) {
    it(`converges with nothing lost (seed ${seed}; replay with CLUSTER_SEED=${seed})`, async () => {
      await runCluster(seed)
    }, 120_000)
  }
})
