/**
 * Presence in big rooms (issue 17): a room merges the presence changes of a window into one frame
 * per socket and one relay message, instead of one frame per change per socket (N^2 frames a second).
 */
import { encodeAwareness, MESSAGE_TYPE } from '@tandem/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../src/logger'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { MemoryRelayHub } from '../src/relay/MemoryRelayHub'
import { connectRaw, type RawClient } from './helpers/clients'
import { startServer } from './helpers/startServer'

const POLL = { timeout: 20_000, interval: 10 }

function presenceFrame(clientId: number, clock: number, state: object | null): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, JSON.stringify(state))
  return encodeAwareness(encoding.toUint8Array(encoder))
}

/** Every presence entry (client id and whether it has a state) in the awareness frames received. */
function presenceEntries(received: readonly Uint8Array[]): { frames: number; entries: Map<number, boolean> } {
  const entries = new Map<number, boolean>()
  let frames = 0
  for (const frame of received) {
    if (frame[0] !== MESSAGE_TYPE.AWARENESS) continue
    frames++
    const decoder = decoding.createDecoder(frame)
    decoding.readVarUint(decoder)
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
    const count = decoding.readVarUint(update)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(update)
      decoding.readVarUint(update)
      entries.set(clientId, JSON.parse(decoding.readVarString(update)) !== null)
    }
  }
  return { frames, entries }
}

async function joinMany(wsUrl: string, room: string, count: number): Promise<RawClient[]> {
  const clients: RawClient[] = []
  for (let i = 0; i < count; i++) clients.push(await connectRaw(`${wsUrl}/${room}?user=u${i}`))
  return clients
}

describe('presence windows', () => {
  it('sends one frame per window to each socket, however many people moved in it', async () => {
    const { wsUrl, server } = await startServer({ presenceWindowMaxMs: 40 })
    const people = 40
    const clients = await joinMany(wsUrl, 'all-hands', people)
    const observer = clients[0]!
    observer.received.length = 0
    // Everyone moves their caret at once, as 40 people typing in one second would, within a window.
    for (const [i, client] of clients.entries()) client.ws.send(presenceFrame(1000 + i, 1, { cursor: i }))
    await vi.waitFor(() => expect(presenceEntries(observer.received).entries.size).toBe(people), POLL)
    const { frames } = presenceEntries(observer.received)
    console.info(`${people} presence changes reached a peer in ${frames} frame(s)`)
    // One frame per change before; the sends above span a few turns of the server at most.
    expect(frames).toBeLessThanOrEqual(4)

    const windows = await server.metrics.presenceWindowEntries.get()
    const count = windows.values.find((value) => value.metricName?.endsWith('_count'))?.value ?? 0
    expect(count).toBe(frames)
    const entriesIn = await server.metrics.presenceEntries.get()
    expect(entriesIn.values.find((value) => value.labels.source === 'connection')?.value).toBe(people)
  })

  it("announces a leaving person's removal within one window", async () => {
    const { wsUrl } = await startServer({ presenceWindowMaxMs: 40 })
    const clients = await joinMany(wsUrl, 'leaving', 30)
    const [observer, leaver] = [clients[0]!, clients[1]!]
    leaver.ws.send(presenceFrame(4242, 1, { name: 'Leaver' }))
    await vi.waitFor(() => expect(presenceEntries(observer.received).entries.get(4242)).toBe(true), POLL)
    observer.received.length = 0
    const left = performance.now()
    leaver.ws.terminate()
    await vi.waitFor(() => expect(presenceEntries(observer.received).entries.get(4242)).toBe(false), POLL)
    expect(performance.now() - left).toBeLessThan(1000)
  })

  it('in small rooms merges the changes of one turn and sends them on the next', async () => {
    const { wsUrl } = await startServer()
    const clients = await joinMany(wsUrl, 'small', 3)
    const observer = clients[2]!
    observer.received.length = 0
    clients[0]!.ws.send(presenceFrame(7, 1, { cursor: 1 }))
    await vi.waitFor(() => expect(presenceEntries(observer.received).entries.get(7)).toBe(true), POLL)
    clients[1]!.ws.send(presenceFrame(8, 1, { cursor: 2 }))
    await vi.waitFor(() => expect(presenceEntries(observer.received).entries.get(8)).toBe(true), POLL)
    expect(presenceEntries(observer.received).frames).toBe(2)
  })

  it('relays a window of changes to the other node as one message', async () => {
    const hub = new MemoryRelayHub()
    const store = new MemoryStore()
    const logger = createLogger('silent', false)
    const nearRelay = hub.createRelay('near', logger)
    let published = 0
    const publish = nearRelay.publish.bind(nearRelay)
    nearRelay.publish = (room, message) => {
      if (message.kind === 'awareness') published++
      publish(room, message)
    }
    const near = await startServer({ presenceWindowMaxMs: 40 }, { store, relay: nearRelay })
    const far = await startServer(
      { presenceWindowMaxMs: 40 },
      { store, relay: hub.createRelay('far', logger) },
    )
    const people = 25
    const clients = await joinMany(near.wsUrl, 'two-nodes', people)
    const [farObserver] = await joinMany(far.wsUrl, 'two-nodes', 1)
    published = 0
    for (const [i, client] of clients.entries()) client.ws.send(presenceFrame(2000 + i, 1, { cursor: i }))
    await vi.waitFor(() => expect(presenceEntries(farObserver!.received).entries.size).toBe(people), POLL)
    console.info(`${people} presence changes crossed nodes in ${published} relay message(s)`)
    expect(published).toBeLessThanOrEqual(4)
  })
})
