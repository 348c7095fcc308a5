/**
 * One simulated editor on one socket. `doc` clients hold a real Y.Doc: they type into it and apply
 * what they receive (deliveries are read off each remote transaction). `meta` clients hold no
 * document: they send hand-encoded typing updates and read delivered ids off the update header,
 * which keeps the load generator cheaper than the servers it measures. `sink` clients only take
 * delivery (thousands of readers whose deliveries nobody times).
 */
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import type { DeliveryLog } from './DeliveryLog'
import { encodePresenceUpdate, readPresenceSendTimes } from './presenceUpdate'
import { encodeTypingUpdate, TEXT_NAME } from './typingUpdates'
import type { WireCodec } from './wireCodec'

export type ClientMode = 'doc' | 'meta' | 'sink'

/** What a client does with presence frames: time them, or only let them arrive. */
export type PresenceHandling = 'measure' | 'ignore'

export interface BenchClientOptions {
  readonly url: string
  readonly room: string
  readonly codec: WireCodec
  readonly mode: ClientMode
  readonly log: DeliveryLog
  /** Yjs client id of this client's edits (unique within a run). */
  readonly clientId: number
  readonly presence?: PresenceHandling
  /** Where timed presence entries go (default: `log`), when updates and presence are timed apart. */
  readonly presenceLog?: DeliveryLog
}

/** The encoded state vector and update of an empty document. */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())
/** Transaction origins that tell a live update from the initial sync. */
const SYNC_ORIGIN = 'bench-sync'
const UPDATE_ORIGIN = 'bench-update'
const TYPED_CHARS = 'the quick brown fox jumps over the lazy dog '
/** An attempt that is neither synced nor failed by then is abandoned (a stalled handshake). */
const ATTEMPT_TIMEOUT_MS = 15_000

export class BenchClient {
  readonly doc: Y.Doc | null
  readonly clientId: number
  ws: WebSocket | null = null
  synced = false
  /** Size of the last step 2 received (the document as the server sent it). */
  lastStep2Bytes = 0
  /** Called when an open socket closes (not for failed attempts). */
  onClosed: (() => void) | null = null
  private clock = 0
  private presenceClock = 0
  private step2Waiters: Array<(update: Uint8Array) => void> = []

  constructor(private readonly options: BenchClientOptions) {
    this.clientId = options.clientId
    if (options.mode === 'doc') {
      const doc = new Y.Doc()
      doc.clientID = options.clientId
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== SYNC_ORIGIN && origin !== UPDATE_ORIGIN)
          this.send(options.codec.update(options.room, update))
      })
      doc.on('afterTransaction', (transaction: Y.Transaction) => {
        if (transaction.origin !== UPDATE_ORIGIN) return
        const now = performance.now()
        for (const [client, after] of transaction.afterState) {
          const before = transaction.beforeState.get(client) ?? 0
          if (after > before && client !== this.clientId)
            options.log.markDelivered(client, before, after, now)
        }
      })
      this.doc = doc
    } else {
      this.doc = null
    }
  }

  get room(): string {
    return this.options.room
  }

  /** Opens a socket and resolves once synced; rejects if the attempt fails or closes first. */
  connect(): Promise<void> {
    const { codec, room } = this.options
    this.synced = false
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.options.url, { perMessageDeflate: false })
      this.ws = ws
      let settled = false
      const timer = setTimeout(() => {
        settle(new Error('handshake timed out'))
        ws.terminate()
      }, ATTEMPT_TIMEOUT_MS)
      const settle = (error?: Error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      }
      this.step2Waiters = []
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => {
        const stateVector = this.doc ? Y.encodeStateVector(this.doc) : EMPTY_STATE_VECTOR
        for (const frame of codec.openingFrames(room, stateVector)) ws.send(frame)
        if (!codec.serverSyncs) {
          this.synced = true
          settle()
        }
      })
      ws.on('message', (data: Buffer) => {
        this.handleFrame(data)
        if (this.synced) settle()
      })
      ws.on('error', (error) => settle(error))
      ws.on('close', (code) => {
        const wasSynced = this.synced
        this.synced = false
        if (this.ws === ws) this.ws = null
        settle(new Error(`closed with ${code} before synced`))
        if (wasSynced) this.onClosed?.()
      })
    })
  }

  /** Types one character at the end of this client's own text and notes when. */
  type(): void {
    const now = performance.now()
    const char = TYPED_CHARS[this.clock % TYPED_CHARS.length]!
    if (this.doc) {
      // Only insertions: each one takes exactly the next clock, which is how receivers identify it.
      const clock = Y.getState(this.doc.store, this.clientId)
      this.options.log.markSent(this.clientId, clock, now)
      const text = this.doc.getText(TEXT_NAME)
      text.insert(text.length, char)
      return
    }
    const clock = this.clock++
    this.options.log.markSent(this.clientId, clock, now)
    this.send(this.options.codec.update(this.options.room, encodeTypingUpdate(this.clientId, clock, char)))
  }

  /** Sends `count` typing updates back to back without latency bookkeeping (seeding a document). */
  typeMany(count: number): void {
    for (let i = 0; i < count; i++) {
      const clock = this.clock++
      const update = encodeTypingUpdate(this.clientId, clock, TYPED_CHARS[clock % TYPED_CHARS.length]!)
      this.send(this.options.codec.update(this.options.room, update))
    }
  }

  /** State vector of what this client authored (meta mode) or holds (doc mode). */
  stateVector(): Uint8Array {
    if (this.doc) return Y.encodeStateVector(this.doc)
    if (this.clock === 0) return EMPTY_STATE_VECTOR
    return Y.encodeStateVectorFromUpdate(encodeTypingUpdate(this.clientId, this.clock - 1, 'x'))
  }

  /** Sends any update as a sync update frame. */
  sendUpdate(update: Uint8Array): void {
    this.send(this.options.codec.update(this.options.room, update))
  }

  /** Sends a step 1 and resolves with the server's next step 2 (its answer, after what came before). */
  requestSync(): Promise<Uint8Array> {
    const answer = new Promise<Uint8Array>((resolve) => this.step2Waiters.push(resolve))
    this.send(this.options.codec.syncStep1(this.options.room, this.stateVector()))
    return answer
  }

  /** Publishes this user's presence (as editors do on every cursor move), stamped with the time. */
  sendPresence(): void {
    const update = encodePresenceUpdate(this.clientId, ++this.presenceClock, performance.now())
    this.send(this.options.codec.awareness(this.options.room, update))
  }

  /** Closes the socket and resolves once it is closed. */
  close(): Promise<void> {
    const ws = this.ws
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      ws.once('close', () => resolve())
      ws.close()
    })
  }

  /** Drops the socket without a close handshake. */
  terminate(): void {
    this.ws?.terminate()
  }

  private send(frame: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame)
  }

  private handleFrame(frame: Uint8Array): void {
    const message = this.options.codec.read(frame)
    switch (message.kind) {
      case 'step1': {
        const diff = this.doc ? Y.encodeStateAsUpdate(this.doc, message.stateVector) : EMPTY_UPDATE
        this.send(this.options.codec.syncStep2(this.options.room, diff))
        break
      }
      case 'step2': {
        this.lastStep2Bytes = message.update.byteLength
        if (this.doc) Y.applyUpdate(this.doc, message.update, SYNC_ORIGIN)
        this.synced = true
        const waiters = this.step2Waiters
        this.step2Waiters = []
        for (const waiter of waiters) waiter(message.update)
        break
      }
      case 'update':
        if (this.doc) Y.applyUpdate(this.doc, message.update, UPDATE_ORIGIN)
        else if (this.options.mode === 'meta') this.readDeliveredIds(message.update)
        break
      case 'awareness':
        if (this.options.presence === 'measure') {
          const now = performance.now()
          const log = this.options.presenceLog ?? this.options.log
          readPresenceSendTimes(message.update, this.clientId, (sentAt) => log.recordLatency(now - sentAt))
        }
        break
      case 'other':
        break
    }
  }

  private readDeliveredIds(update: Uint8Array): void {
    const now = performance.now()
    const { from, to } = Y.parseUpdateMeta(update)
    for (const [client, start] of from) {
      if (client !== this.clientId) this.options.log.markDelivered(client, start, to.get(client)!, now)
    }
  }
}
