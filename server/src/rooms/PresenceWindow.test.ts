import * as encoding from 'lib0/encoding'
import { describe, expect, it, vi } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { type PresenceFlush, PresenceWindow, presenceWindowMs } from './PresenceWindow'

/** Applies a peer's entry to `awareness`, as a socket's update would. */
function remoteState(
  awareness: awarenessProtocol.Awareness,
  clientId: number,
  clock: number,
  state: object | null,
) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, JSON.stringify(state))
  awarenessProtocol.applyAwarenessUpdate(awareness, encoding.toUint8Array(encoder), 'test')
}

function decodeEntries(update: Uint8Array): Array<[number, number, unknown]> {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  const seen: Array<[number, number, unknown]> = []
  awarenessProtocol.applyAwarenessUpdate(other, update, 'test')
  for (const [clientId, meta] of other.meta) {
    if (clientId === other.clientID) continue
    seen.push([clientId, meta.clock, other.states.get(clientId) ?? null])
  }
  return seen
}

describe('presenceWindowMs', () => {
  it('is the next turn in small rooms and grows with the room up to the maximum', () => {
    expect(presenceWindowMs(1, 50)).toBe(0)
    expect(presenceWindowMs(19, 50)).toBe(0)
    expect(presenceWindowMs(100, 50)).toBe(10)
    expect(presenceWindowMs(1000, 50)).toBe(50)
    expect(presenceWindowMs(5000, 80)).toBe(80)
  })
})

describe('PresenceWindow', () => {
  it('sends the latest state of each changed entry once, and removals with their clock', async () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    const flushes: PresenceFlush[] = []
    const window = new PresenceWindow(awareness, { windowMs: () => 0, flush: (f) => flushes.push(f) })
    awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) =>
      window.note([...added!, ...updated!], removed!, origin !== 'relay'),
    )
    remoteState(awareness, 11, 1, { cursor: 1 })
    remoteState(awareness, 11, 2, { cursor: 2 })
    remoteState(awareness, 12, 1, { cursor: 9 })
    remoteState(awareness, 12, 2, null)
    // The room drops a removed id's meta entry at once; the window kept its clock.
    awareness.meta.delete(12)
    await vi.waitFor(() => expect(flushes).toHaveLength(1))
    expect(flushes[0]!.entries).toBe(2)
    expect(decodeEntries(flushes[0]!.all)).toEqual([
      [11, 2, { cursor: 2 }],
      [12, 2, null],
    ])
    awareness.destroy()
  })

  it('relays only the entries whose last change came from a local socket', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    const flushes: PresenceFlush[] = []
    const window = new PresenceWindow(awareness, { windowMs: () => 1000, flush: (f) => flushes.push(f) })
    remoteState(awareness, 21, 1, { a: 1 })
    remoteState(awareness, 22, 1, { b: 1 })
    window.note([21], [], true)
    window.note([22], [], false)
    window.flushNow()
    expect(flushes).toHaveLength(1)
    expect(decodeEntries(flushes[0]!.all).map(([id]) => id)).toEqual([21, 22])
    expect(decodeEntries(flushes[0]!.local!).map(([id]) => id)).toEqual([21])
    window.flushNow()
    expect(flushes, 'nothing waits after a flush').toHaveLength(1)
    awareness.destroy()
  })
})
