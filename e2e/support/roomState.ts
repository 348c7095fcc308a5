/**
 * Reads a room's document straight from a server over the y-websocket protocol (no browser, no
 * local state that could re-send edits), and turns the Lexical tree into plain text.
 */
import { createToken, encodeSyncStep1, LEXICAL_ROOT_NAME, readMessage } from '@tandem/shared'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { E2E_SECRET } from './tandemServer'

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

/** Lexical element types that sit inside a line of text rather than starting a block. */
const INLINE_ELEMENTS = new Set(['link', 'autolink'])

/**
 * The document's text: one line per block (nested blocks such as list items too), read from the V2
 * binding's layout: an XmlElement per Lexical element node, an XmlText per run of sibling text nodes.
 */
export function lexicalText(doc: Y.Doc): string {
  const lines: string[] = []
  const textOf = (node: Y.XmlText | Y.XmlElement): string =>
    node instanceof Y.XmlText
      ? (node.toDelta() as Array<{ insert: unknown }>)
          .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
          .join('')
      : node
          .toArray()
          .map((child) => (child instanceof Y.XmlHook ? '' : textOf(child)))
          .join('')
  const walk = (element: Y.XmlElement) => {
    let line = ''
    for (const child of element.toArray()) {
      if (
        child instanceof Y.XmlText ||
        (child instanceof Y.XmlElement && INLINE_ELEMENTS.has(child.nodeName))
      ) {
        line += textOf(child)
      } else if (child instanceof Y.XmlElement) {
        if (line !== '') lines.push(line)
        line = ''
        walk(child)
      }
    }
    if (line !== '') lines.push(line)
  }
  walk(doc.get(LEXICAL_ROOT_NAME, Y.XmlElement))
  return lines.join('\n')
}
