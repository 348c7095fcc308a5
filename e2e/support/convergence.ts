/**
 * Whether every copy of a document agrees: each page's editor DOM and editor state, and the server's
 * stored document. The views can drift from their Yjs documents while the transport has converged,
 * so all three are compared, not only the text.
 */
import { expect, type Page } from '@playwright/test'
import { documentContent } from '@tandem/shared/editorNodes'
import type { SerializedEditorState } from 'lexical'
import { documentHtml } from './editorPage'
import { readEditorState, type SerializedNode, stateText } from './lexicalState'
import { lexicalText, readRoom } from './roomState'

/** A page and who it is, for messages. */
export interface Replica {
  readonly name: string
  readonly page: Page
}

interface ReplicaView {
  readonly name: string
  readonly html: string
  /** The editor state as JSON, or the error serializing it threw. */
  readonly state: string
  /** The state's text in the server's format; null when the state could not be read. */
  readonly text: string | null
}

/**
 * The state's document content: without the properties the binding does not sync by design
 * (documentContent, shared/src/editorNodes.ts), which differ between people by design.
 */
function contentOf(root: SerializedNode): unknown {
  return documentContent({ root } as unknown as SerializedEditorState)
}

async function viewOf({ name, page }: Replica): Promise<ReplicaView> {
  const [html, read] = await Promise.all([documentHtml(page), readEditorState(page)])
  return read.ok
    ? { name, html, state: JSON.stringify(contentOf(read.root)), text: stateText(read.root) }
    : { name, html, state: `toJSON threw: ${read.error}`, text: null }
}

/** Characters shown on either side of the first difference. */
const DIFFERENCE_CONTEXT = 160

/**
 * Where two long strings (a document's HTML or JSON) first differ, with some context on each side:
 * the whole of each would bury the difference.
 */
export function difference(a: string, b: string): string {
  let at = 0
  while (at < a.length && at < b.length && a[at] === b[at]) at++
  const from = Math.max(0, at - DIFFERENCE_CONTEXT)
  const excerpt = (text: string) =>
    `${from > 0 ? '…' : ''}${text.slice(from, at)} ⟦${text.slice(at, at + DIFFERENCE_CONTEXT)}${at + DIFFERENCE_CONTEXT < text.length ? '…' : ''}`
  return `first at character ${at}:\n  ${excerpt(a)}\n  ${excerpt(b)}`
}

/** What the agreed document looks like. */
export interface ConvergedDocument {
  readonly text: string
  readonly html: string
  readonly state: string
}

/**
 * Every difference between the replicas (each compared with the first) and the server's document,
 * one line each; empty when they all agree.
 */
export async function findDivergences(
  replicas: readonly Replica[],
  wsUrl: string,
  room: string,
): Promise<{ divergences: string[]; agreed: ConvergedDocument }> {
  const views = await Promise.all(replicas.map(viewOf))
  const serverText = lexicalText(await readRoom(wsUrl, room))
  const [first, ...others] = views
  if (first === undefined) throw new Error('no replicas to compare')
  const divergences: string[] = []
  for (const view of others) {
    if (view.html !== first.html) {
      divergences.push(`DOM of ${view.name} != ${first.name}: ${difference(view.html, first.html)}`)
    }
    if (view.state !== first.state) {
      divergences.push(
        `editor state of ${view.name} != ${first.name}: ${difference(view.state, first.state)}`,
      )
    }
  }
  for (const view of views) {
    if (view.text !== serverText) {
      divergences.push(
        `text of ${view.name}'s editor state != the server's document:\n  ${JSON.stringify(view.text)}\n  ${JSON.stringify(serverText)}`,
      )
    }
  }
  return { divergences, agreed: { text: serverText, html: first.html, state: first.state } }
}

/**
 * Polls until all replicas and the server agree (remote changes arrive asynchronously), and returns
 * the agreed document; on the deadline fails listing every remaining difference.
 */
export async function expectConverged(
  replicas: readonly Replica[],
  wsUrl: string,
  room: string,
  timeout?: number,
): Promise<ConvergedDocument> {
  let last: Awaited<ReturnType<typeof findDivergences>> | undefined
  await expect
    .poll(
      async () => {
        last = await findDivergences(replicas, wsUrl, room)
        return last.divergences
      },
      { message: 'every page and the server show the same document', ...(timeout ? { timeout } : {}) },
    )
    .toEqual([])
  if (last === undefined) throw new Error('unreachable: the poll ran at least once')
  return last.agreed
}
