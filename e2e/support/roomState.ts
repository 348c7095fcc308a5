/**
 * Reads a room's document straight from a server over the y-websocket protocol (no browser, no
 * local state that could re-send edits), and turns the Lexical tree into plain text.
 */
import { createToken, encodeSyncStep1, readMessage } from '@tandem/shared'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { E2E_SECRET } from './tandemServer'

/** Root Y.XmlText of the Lexical tree (client/src/collab/docLayout.ts, docs/embedding.md). */
const LEXICAL_ROOT_NAME = 'root'
const READ_TIMEOUT_MS = 15_000

/** The server's current state of `room`, as a viewer sees it right after joining. */
export async function readRoom(wsUrl: string, room: string): Promise<Y.Doc> {
  const token = await createToken({ secret: E2E_SECRET, sub: 'e2e-reader', room, role: 'viewer' })
  const ws = new WebSocket(`${wsUrl}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`)
  ws.binaryType = 'nodebuffer'
  try {
    const update = await new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync step 2 from ${wsUrl}`)), READ_TIMEOUT_MS)
      ws.once('error', reject)
      ws.once('close', (code) => reject(new Error(`socket closed with ${code} before sync`)))
      ws.once('open', () => ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc()))))
      ws.on('message', (data: Buffer) => {
        const message = readMessage(new Uint8Array(data))
        if (message.type !== 'sync-step2') return
        clearTimeout(timer)
        resolve(message.update)
      })
    })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    return doc
  } finally {
    ws.terminate()
  }
}

/** The document's text: one line per top-level block (nested blocks such as list items too). */
export function lexicalText(doc: Y.Doc): string {
  const lines: string[] = []
  const walk = (element: Y.XmlText) => {
    let line = ''
    for (const op of element.toDelta() as Array<{ insert: unknown }>) {
      if (typeof op.insert === 'string') line += op.insert
      else if (op.insert instanceof Y.XmlText) {
        if (line !== '') lines.push(line)
        line = ''
        walk(op.insert)
      }
      // Y.Map embeds carry a text node's properties (format, style), not text.
    }
    if (line !== '') lines.push(line)
  }
  walk(doc.get(LEXICAL_ROOT_NAME, Y.XmlText))
  return lines.join('\n')
}
