/**
 * Outgoing messages framed once for the wire (issue 16: "encode each outgoing frame once and write
 * the same bytes to every socket"). ws frames every `send` on its own: a header allocated, the
 * socket corked, a two-buffer writev, ~1 us of JavaScript per socket, most of what a broadcast
 * costs besides the kernel. A room sends a message to all its sockets in a row, so a node-wide
 * slot holding the last message framed turns a broadcast into one framing and N plain writes; a
 * second slot keeps the pair a join sends (the room's base step 2, then the changes since it) both
 * framed while a crowd joins one room. Frames are never mutated, so every socket's pending write
 * may reference the same bytes; the two slots keep at most 2 x 64 KiB alive.
 */

/**
 * Larger messages (a big document's step 2, sent once) go through ws, which writes header and
 * payload without copying: framing them here would copy megabytes to save a microsecond.
 */
export const MAX_WIRE_FRAME_PAYLOAD = 64 * 1024

/** `payload` as one unmasked, final, binary WebSocket frame (RFC 6455, section 5.2). */
export function encodeBinaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength
  const headerBytes = length < 126 ? 2 : length < 0x10000 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerBytes + length)
  frame[0] = 0x82 // FIN, opcode 2 (binary)
  if (length < 126) {
    frame[1] = length
  } else if (length < 0x10000) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  frame.set(payload, headerBytes)
  return frame
}

export class WireFrames {
  private lastPayload: Uint8Array | undefined
  private lastFrame: Buffer | undefined
  private previousPayload: Uint8Array | undefined
  private previousFrame: Buffer | undefined

  /** The frame of `payload`, framed once while it is one of the last two; undefined when too large. */
  frameOf(payload: Uint8Array): Buffer | undefined {
    if (payload === this.lastPayload) return this.lastFrame
    if (payload === this.previousPayload) return this.previousFrame
    if (payload.byteLength > MAX_WIRE_FRAME_PAYLOAD) return undefined
    this.previousPayload = this.lastPayload
    this.previousFrame = this.lastFrame
    this.lastPayload = payload
    this.lastFrame = encodeBinaryFrame(payload)
    return this.lastFrame
  }
}
