/**
 * Headless collaboration for tests: Lexical editors bound to Y.Docs exactly as the collaboration plugin
 * binds them, a server document, and a network whose delivery the test controls (online, offline,
 * message by message). Lets a binding regression show up in seconds, without a browser.
 * Needs DOM globals (`installJsdom`) before Lexical is imported: selection code reads the window.
 * Each person's editor lives in a window of its own, as in separate browser tabs.
 */
import { registerList } from '@lexical/list'
import { registerMarkdownShortcuts } from '@lexical/markdown'
import { registerRichText } from '@lexical/rich-text'
import { registerTablePlugin } from '@lexical/table'
import { type BindingV2, createUndoManager, initLocalState, type Provider } from '@lexical/yjs'
import { mulberry32 } from '@tandem/shared'
import { bindEditorV2 } from '@tandem/shared/bindEditorV2'
import { MARKDOWN_TRANSFORMERS } from '@tandem/shared/content/nodeFormats'
import { documentContent, EDITOR_NODES } from '@tandem/shared/editorNodes'
import { $getRoot, createEditor, type LexicalEditor, type SerializedLexicalNode } from 'lexical'
import * as Y from 'yjs'
import { ConcurrentMoveDedupe } from '../collab/ConcurrentMoveDedupe'
import { ConcurrentTextRescue } from '../collab/ConcurrentTextRescue'
import { applyOwnChangesUndo } from '../collab/ownChangesUndo'
import { registerListNumbering } from '../collab/registerListNumbering'
import { registerTableRepair } from '../collab/registerTableRepair'
import { createOwnWindow } from './installJsdom'

/** Origin of updates that came over the simulated network. */
const NETWORK = Symbol('network')

/** One person: a Lexical editor with the app's nodes and plugins, bound to its own Y.Doc. */
export class HeadlessPeer {
  readonly doc = new Y.Doc()
  readonly editor: LexicalEditor
  readonly binding: BindingV2
  readonly undoManager: Y.UndoManager
  /** Where the binding keeps this person's caret (as the app's awareness does), no one else's. */
  readonly presence = createLocalPresenceProvider()
  private readonly rescue: ConcurrentTextRescue
  private readonly dedupe: ConcurrentMoveDedupe
  online = true
  /** Updates made here that the server has not received yet. */
  readonly outbox: Uint8Array[] = []
  /** Updates from the server this peer has not received yet. */
  readonly inbox: Uint8Array[] = []
  private readonly cleanups: Array<() => void> = []
  /** Local edits Lexical threw on and dropped (its own bugs, not the binding's). */
  readonly droppedEdits: Error[] = []
  private editing = false

  constructor(
    readonly name: string,
    clientId?: number,
  ) {
    // Yjs orders concurrent inserts at one spot by client id; a random id made a seeded run differ
    // from one run to the next. Set before the doc holds anything, so nothing was written under another.
    if (clientId !== undefined) this.doc.clientID = clientId
    this.editor = createEditor({
      namespace: name,
      nodes: [...EDITOR_NODES],
      onError: (error) => {
        // A local edit Lexical itself cannot apply (it drops the update, as in a browser) is not a
        // binding failure; any other error (applying a remote change) fails the test.
        if (!this.editing) throw error
        this.droppedEdits.push(error)
      },
    })
    // Its own window: one person's DOM selection must not reach another's editor (see createOwnWindow).
    const ownWindow = createOwnWindow()
    const root = ownWindow.document.createElement('div')
    root.contentEditable = 'true'
    ownWindow.document.body.append(root)
    this.editor.setRootElement(root)
    // Focused, as the page of someone typing is: Lexical then keeps the DOM selection in step with
    // remote changes too (it skips collaboration updates in an unfocused editor), and reads it back on
    // the next update, as in a browser. (jsdom focuses a contenteditable only with a tabindex.)
    root.tabIndex = 0
    root.focus()
    const bound = bindEditorV2(this.editor, this.doc, this.presence)
    this.binding = bound.binding
    this.undoManager = createUndoManager(this.binding, this.binding.root)
    // As UndoOwnChangesPlugin sets it in the app.
    applyOwnChangesUndo(this.undoManager)
    // Undo groups edits made within 500 ms of each other; on a loaded machine that made runs depend on
    // timing. One edit, one undo step keeps a seed's run the same every time.
    this.undoManager.captureTimeout = 0
    const binding = this.binding
    this.rescue = new ConcurrentTextRescue({
      doc: this.doc,
      root: binding.root,
      isRemote: (origin) => origin === NETWORK,
    })
    this.dedupe = new ConcurrentMoveDedupe({ doc: this.doc, isRemote: (origin) => origin === NETWORK })
    const onDocUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin !== NETWORK) this.outbox.push(update)
    }
    this.doc.on('update', onDocUpdate)
    this.cleanups.push(
      () => bound.unbind(),
      () => this.doc.off('update', onDocUpdate),
      () => this.rescue.destroy(),
      () => this.dedupe.destroy(),
      registerRichText(this.editor),
      registerList(this.editor),
      registerTablePlugin(this.editor),
      registerMarkdownShortcuts(this.editor, MARKDOWN_TRANSFORMERS),
      registerListNumbering(this.editor),
      registerTableRepair(this.editor, this.doc),
      () => this.editor.setRootElement(null),
      () => ownWindow.close(),
    )
    // Registering a node transform queues an update that marks every node of its type dirty, with
    // transforms on. Left pending, it absorbed the first remote update (Lexical runs queued updates
    // together), so a page built here ran the list transform over remote content (merging adjacent
    // lists) where a browser page, whose plugins registered long before the first message arrived,
    // does not. Committed now, as in the browser.
    this.editor.update(() => {}, { discrete: true })
  }

  /** Runs a local edit synchronously, as a keystroke's update would. */
  edit(fn: () => void): void {
    this.editing = true
    try {
      this.editor.update(fn, { discrete: true })
    } finally {
      this.editing = false
    }
  }

  receive(update: Uint8Array): void {
    this.rescue.noteIncomingUpdate(update)
    this.dedupe.noteIncomingUpdate(update)
    Y.applyUpdate(this.doc, update, NETWORK)
  }

  text(): string {
    return this.editor.getEditorState().read(() => $getRoot().getTextContent())
  }

  /** The editor's content as JSON without what differs between equal documents (node keys, selection). */
  content(): SerializedLexicalNode[] {
    return documentContent(this.editor.getEditorState().toJSON())
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    this.undoManager.destroy()
    this.doc.destroy()
  }
}

/** A provider whose awareness holds the local state only: enough for the binding's caret restore. */
function createLocalPresenceProvider(): Provider {
  let localState: ReturnType<Provider['awareness']['getLocalState']> = null
  const awareness: Provider['awareness'] = {
    getLocalState: () => localState,
    getStates: () => new Map(),
    on: () => {},
    off: () => {},
    setLocalState: (state) => {
      localState = state
    },
    setLocalStateField: () => {},
  }
  const provider: Provider = {
    awareness,
    connect: () => {},
    disconnect: () => {},
    on: () => {},
    off: () => {},
  }
  initLocalState(provider, 'headless', '#000', true, {})
  return provider
}

/** The server's document and the links to each peer; nothing moves until the test delivers it. */
export class HeadlessNetwork {
  readonly server = new Y.Doc()
  readonly peers: HeadlessPeer[] = []
  private readonly nextClientId: (() => number) | undefined

  /**
   * `seed` makes the peers' Yjs client ids (which decide the order of concurrent inserts) a function of
   * the seed and the join order, so a seeded run replays exactly; without it they are random, as in a browser.
   */
  constructor(options: { seed?: number } = {}) {
    const { seed } = options
    // The server document's own changes (Yjs deleting formatting marks a remote change made
    // redundant) go to everyone, as the server's Room sends them (Room.shareOwnChange).
    this.server.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === NETWORK) return
      for (const peer of this.peers) if (peer.online) peer.inbox.push(update)
    })
    if (seed !== undefined) {
      const random = mulberry32(seed)
      this.nextClientId = () => Math.floor(random() * 0xffff_ffff)
    }
  }

  join(name: string): HeadlessPeer {
    const peer = new HeadlessPeer(name, this.nextClientId?.())
    this.peers.push(peer)
    peer.receive(Y.encodeStateAsUpdate(this.server))
    return peer
  }

  setOnline(peer: HeadlessPeer, online: boolean): void {
    peer.online = online
    if (online) {
      // Reconnecting is a sync handshake: each side sends what the other lacks, in y-websocket's
      // order. The server answers the client's step 1 before the client's step 2 (its offline edits)
      // arrives, so that answer cannot name them in its delete set; the rescue relies on it.
      peer.outbox.length = 0
      peer.inbox.length = 0
      peer.receive(Y.encodeStateAsUpdate(this.server, Y.encodeStateVector(peer.doc)))
      const missingOnServer = Y.encodeStateAsUpdate(peer.doc, Y.encodeStateVector(this.server))
      this.toServer(peer, missingOnServer)
    }
  }

  /** Sends one peer's queued updates to the server, which forwards them to every other online peer. */
  flushOutbox(peer: HeadlessPeer): void {
    if (!peer.online) return
    for (const update of peer.outbox.splice(0)) this.toServer(peer, update)
  }

  flushInbox(peer: HeadlessPeer): void {
    if (!peer.online) return
    for (const update of peer.inbox.splice(0)) peer.receive(update)
  }

  /** Everyone online, every message delivered, every editor caught up with its document. */
  async settle(): Promise<void> {
    // An edit's follow-up (a Markdown shortcut's conversion, committed in a microtask) runs before any
    // network message in a browser; delivered first, the reconnect absorbed it into a remote update,
    // which the binding does not write back (random seed 4 with lists).
    await flushEditorUpdates()
    for (const peer of this.peers) if (!peer.online) this.setOnline(peer, true)
    for (let round = 0; round < 20; round++) {
      await flushEditorUpdates()
      const pending = this.peers.some((peer) => peer.outbox.length > 0 || peer.inbox.length > 0)
      if (!pending) return
      for (const peer of this.peers) this.flushOutbox(peer)
      for (const peer of this.peers) this.flushInbox(peer)
    }
    throw new Error(
      'the peers kept sending updates after 20 rounds: an echo loop between editor and document',
    )
  }

  destroy(): void {
    for (const peer of this.peers.splice(0)) peer.destroy()
    this.server.destroy()
  }

  private toServer(from: HeadlessPeer, update: Uint8Array): void {
    Y.applyUpdate(this.server, update, NETWORK)
    for (const peer of this.peers) if (peer !== from && peer.online) peer.inbox.push(update)
  }
}

/** Lets the editors run the updates Yjs events scheduled (Lexical batches them in microtasks and timers). */
export async function flushEditorUpdates(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

/** A peer's view rebuilt from a document, as a freshly opened page would show it. */
export async function freshContent(doc: Y.Doc): Promise<SerializedLexicalNode[]> {
  const peer = new HeadlessPeer('fresh')
  try {
    peer.receive(Y.encodeStateAsUpdate(doc))
    await flushEditorUpdates()
    return peer.content()
  } finally {
    peer.destroy()
  }
}
