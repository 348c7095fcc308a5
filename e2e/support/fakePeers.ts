/**
 * A crowd without browsers: each fake peer is one socket with its own token that announces a
 * presence entry as the Tandem client does (name, colour, user id, role) and renews it on a timer,
 * so a test can fill a room with dozens of people and keep their presence changing.
 */
import { createToken, encodeAwareness } from '@tandem/shared'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { E2E_SECRET } from './tandemServer'

export interface FakePeers {
  readonly names: readonly string[]
  /** Stops the renewals and closes every socket. */
  close(): void
}

const COLORS = ['#e5484d', '#30a46c', '#3e63dd', '#f76b15', '#8e4ec6', '#0090ff']

function presenceFrame(clientId: number, clock: number, state: object): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, JSON.stringify(state))
  return encodeAwareness(encoding.toUint8Array(encoder))
}

/**
 * Joins `count` peers to `room`, resolving once every socket is open and announced; each then
 * renews its presence every `renewEveryMs` (a changed field, as a moving caret would).
 */
export async function joinFakePeers(
  wsUrl: string,
  room: string,
  count: number,
  renewEveryMs: number,
): Promise<FakePeers> {
  const names = Array.from({ length: count }, (_, i) => `Peer ${String(i + 1).padStart(2, '0')}`)
  const sockets = await Promise.all(
    names.map(async (name, i) => {
      const role = i % 5 === 0 ? 'viewer' : 'editor'
      const token = await createToken({ secret: E2E_SECRET, sub: `fake-${i}`, room, role, name })
      const ws = new WebSocket(`${wsUrl}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`)
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      const clientId = 900_000 + i
      let clock = 1
      const state = (tick: number) => ({
        name,
        color: COLORS[i % COLORS.length],
        focusing: false,
        anchorPos: null,
        focusPos: null,
        awarenessData: { userId: `fake-${i}`, role },
        tick,
      })
      ws.send(presenceFrame(clientId, clock, state(0)))
      // Spread the renewals so the room sees a steady stream rather than bursts.
      const start = setTimeout(
        () => {
          const timer = setInterval(() => {
            clock++
            ws.send(presenceFrame(clientId, clock, state(clock)))
          }, renewEveryMs)
          ws.once('close', () => clearInterval(timer))
        },
        (renewEveryMs * i) / count,
      )
      ws.once('close', () => clearTimeout(start))
      return ws
    }),
  )
  return {
    names,
    close() {
      for (const ws of sockets) ws.terminate()
    },
  }
}
