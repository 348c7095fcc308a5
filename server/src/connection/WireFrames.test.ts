/** Frames written straight to upgraded sockets, read back by a stock ws client beside ws's own frames. */
import { describe, expect, it, vi } from 'vitest'
import { startSocketPairs } from '../../test/helpers/socketPairs'
import { encodeBinaryFrame, MAX_WIRE_FRAME_PAYLOAD, WireFrames } from './WireFrames'

const POLL = { timeout: 5000, interval: 5 }

function payloadOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff)
}

describe('encodeBinaryFrame', () => {
  // Each header form: 7-bit length, 16-bit (126..65535) and 64-bit (65536 and up), at their edges.
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]

  it('frames every length so that a ws client reads the payload back, between ws frames and pings', async () => {
    const pairs = await startSocketPairs()
    const { server, serverSocket, client, received } = await pairs.open()
    const pongs: number[] = []
    server.on('pong', () => pongs.push(Date.now()))
    const expected: number[][] = []
    for (const [index, length] of lengths.entries()) {
      const written = payloadOf(length, index)
      serverSocket.write(encodeBinaryFrame(written))
      const viaWs = payloadOf(3, index + 100)
      server.send(viaWs)
      server.ping()
      expected.push([...written], [...viaWs])
    }
    await vi.waitFor(() => expect(received).toHaveLength(expected.length), POLL)
    expect(received.map((frame) => [...frame])).toEqual(expected)
    await vi.waitFor(() => expect(pongs).toHaveLength(lengths.length), POLL)
    // The client is still happy with the stream: it answers another message.
    const echoed = new Promise<Buffer>((resolve) => server.once('message', resolve))
    client.send(Uint8Array.from([7]))
    expect([...(await echoed)]).toEqual([7])
  })
})

describe('WireFrames', () => {
  it('frames a message once while it is one of the last two, and again after', () => {
    const frames = new WireFrames()
    const first = payloadOf(40, 1)
    const framed = frames.frameOf(first)
    expect(framed).toEqual(encodeBinaryFrame(first))
    expect(frames.frameOf(first)).toBe(framed)
    const second = payloadOf(40, 2)
    const secondFramed = frames.frameOf(second)
    expect(secondFramed).toEqual(encodeBinaryFrame(second))
    // A join's pair (base step 2, changes since) alternates: both stay framed.
    expect(frames.frameOf(first)).toBe(framed)
    expect(frames.frameOf(second)).toBe(secondFramed)
    const third = payloadOf(40, 3)
    expect(frames.frameOf(third)).toEqual(encodeBinaryFrame(third))
    expect(frames.frameOf(second)).toBe(secondFramed)
    expect(frames.frameOf(first)).not.toBe(framed)
  })

  it('leaves messages over MAX_WIRE_FRAME_PAYLOAD to ws, which writes them without a copy', () => {
    const frames = new WireFrames()
    expect(frames.frameOf(new Uint8Array(MAX_WIRE_FRAME_PAYLOAD))).toBeDefined()
    expect(frames.frameOf(new Uint8Array(MAX_WIRE_FRAME_PAYLOAD + 1))).toBeUndefined()
  })
})
