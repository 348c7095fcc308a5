/**
 * Seeded hostile-input fuzzing through a real server: thousands of frames on raw sockets beside
 * honest editors, and forged tokens on the upgrade. FUZZ_SEED replays a run; FUZZ_FRAMES and
 * FUZZ_TOKENS size it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import {
  CLOSE_CODES,
  createToken,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MESSAGE_TYPE,
  SYNC_TYPE,
} from '@tandem/shared'
import { SignJWT } from 'jose'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { describe, expect, it, onTestFailed, vi } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { UpdateEntry } from '../src/persistence/DocumentStore'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { databaseFile, SqliteStore } from '../src/persistence/sqlite/SqliteStore'
import {
  connectRaw,
  connectStockClient,
  type RawClient,
  rawUpgrade,
  type StockClient,
  synced,
} from './helpers/clients'
import { startNode, startServer } from './helpers/startServer'

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 6000)
const TOKENS = Number(process.env.FUZZ_TOKENS ?? 300)
const LANES = 6
const MAX_MESSAGE_BYTES = 32 * 1024
const MAX_AWARENESS_BYTES = 4 * 1024
/** Per connection; no ordinary socket here announces more (at most 8 frames of one entry each). */
const MAX_AWARENESS_CLIENTS = 16
const MAX_PENDING_BYTES = 8 * 1024
/** protocol.md: presence states nest at most this deep. */
const MAX_AWARENESS_DEPTH = 16
/** One socket in seven belongs to this other token subject and also forges. */
const FORGER = 'eve'
/** Written by a socket of its own subject at the start, and held by it for the whole run. */
const OWNED_CLIENT_ID = 777
const CLOSE_DEADLINE_MS = 10_000
const POLL = { timeout: 30_000, interval: 25 }
/** Client ids of every update a viewer sends: none of them may ever reach the store. */
const VIEWER_CLIENT_BASE = 900_000_000

/** What the server must do with a frame: take it, close with a code, or either take it or close 4400. */
type Expectation = 'accept' | 'accept-or-4400' | number

interface FuzzFrame {
  readonly kind: string
  readonly bytes: Uint8Array | string
  readonly expect: Expectation
  /** Sent this many times in a row (default once). */
  readonly repeat?: number
}

// ---- the oracle: what a frame is, decided with lib0 and Yjs, independently of the server's code ----

function nestingOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0
  let deepest = 0
  for (const child of Object.values(value)) deepest = Math.max(deepest, nestingOf(child))
  return 1 + deepest
}

/**
 * Awareness payload rules (protocol.md): entries of client id, clock and a JSON object (nested at
 * most MAX_AWARENESS_DEPTH deep) or null.
 */
function awarenessIsValid(payload: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(payload)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      if (!Number.isSafeInteger(decoding.readVarUint(decoder))) return false
      if (!Number.isSafeInteger(decoding.readVarUint(decoder))) return false
      const state: unknown = JSON.parse(decoding.readVarString(decoder))
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return false
      if (nestingOf(state) > MAX_AWARENESS_DEPTH) return false
    }
    return !decoding.hasContent(decoder)
  } catch {
    return false
  }
}

function integratesIntoEmptyDoc(update: Uint8Array): boolean {
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(doc))
    return true
  } catch {
    return false
  }
}

function expectationFor(bytes: Uint8Array | string, role: 'editor' | 'viewer'): Expectation {
  if (typeof bytes === 'string') return CLOSE_CODES.MALFORMED_MESSAGE.code
  if (bytes.byteLength > MAX_MESSAGE_BYTES) return CLOSE_CODES.MESSAGE_TOO_BIG.code
  const malformed = CLOSE_CODES.MALFORMED_MESSAGE.code
  try {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case 0: {
        const sub = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (decoding.hasContent(decoder) || sub > 2) return malformed
        if (sub === 0) {
          Y.decodeStateVector(payload)
          return 'accept'
        }
        if (role === 'viewer') return 'accept'
        Y.decodeUpdate(payload)
        // Decodable. If Yjs cannot even integrate it into an empty document, it is invalid for sure;
        // otherwise whether it integrates depends on the room's state, and either answer is allowed.
        return integratesIntoEmptyDoc(payload) ? 'accept-or-4400' : malformed
      }
      case 1: {
        const payload = decoding.readVarUint8Array(decoder)
        if (decoding.hasContent(decoder)) return malformed
        if (payload.byteLength > MAX_AWARENESS_BYTES) return CLOSE_CODES.MESSAGE_TOO_BIG.code
        return awarenessIsValid(payload) ? 'accept' : malformed
      }
      case 2:
        return 'accept'
      case 3:
        return decoding.hasContent(decoder) ? malformed : 'accept'
      case 100:
        decoding.readVarUint8Array(decoder)
        return decoding.hasContent(decoder) ? malformed : 'accept'
      default:
        return malformed
    }
  } catch {
    return malformed
  }
}

// ---- generators ----

function awarenessFrame(entries: Array<[number, number, string]>): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, json)
  }
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, 1)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

/** Real frames to mutate: updates of a scratch document, state vectors, awareness, queries. */
function validFrames(gen: prng.PRNG, clientId: number): Uint8Array[] {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const frames: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => frames.push(encodeSyncUpdate(update)))
  // Types of their own, away from the honest editors' 't' (see the equivocation note below).
  const text = doc.getText('fuzz-text')
  for (let i = 0; i < 30; i++) {
    if (text.length > 4 && prng.bool(gen)) text.delete(prng.int32(gen, 0, text.length - 2), 2)
    else text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 6))
    if (i % 7 === 0) doc.getMap('fuzz-map').set(prng.word(gen, 1, 3), { n: i, list: [1, 'x', null] })
  }
  frames.push(encodeSyncStep2(Y.encodeStateAsUpdate(doc)), encodeSyncStep1(Y.encodeStateVector(doc)))
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState({ user: { name: prng.word(gen, 1, 8) }, cursor: { anchor: 1, head: 2 } })
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, 1)
  encoding.writeVarUint8Array(outer, update)
  frames.push(encoding.toUint8Array(outer), Uint8Array.from([3]))
  awareness.destroy()
  doc.destroy()
  return frames
}

/** ContentString ref and the has-origin bit of the V1 struct encoding. */
const STRING_CONTENT = 4
const HAS_ORIGIN = 0x80

/**
 * Well-formed V1 updates that Yjs decodes but cannot integrate, or that leave a document it cannot
 * encode and read back: an item whose origin is its own future, a deleted range of length 0, clocks
 * past 2^53.
 */
function unintegrableUpdate(
  gen: prng.PRNG,
  clientId: number,
  variant: number = prng.int32(gen, 0, 2),
): Uint8Array {
  const encoder = encoding.createEncoder()
  const firstClock = variant === 2 ? 2 ** 53 - prng.int32(gen, 0, 1) : 0
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, variant === 0 ? 2 : 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, firstClock)
  encoding.writeUint8(encoder, STRING_CONTENT)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarString(encoder, 't')
  encoding.writeVarString(encoder, prng.word(gen, 1, 4))
  if (variant === 0) {
    encoding.writeUint8(encoder, STRING_CONTENT | HAS_ORIGIN)
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, prng.int32(gen, 5, 1000))
    encoding.writeVarString(encoder, 'x')
  }
  encoding.writeVarUint(encoder, variant === 1 ? 1 : 0)
  if (variant === 1) {
    encoding.writeVarUint(encoder, prng.uint32(gen, 1, 1e9))
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, prng.int32(gen, 0, 100))
    encoding.writeVarUint(encoder, 0)
  }
  return encoding.toUint8Array(encoder)
}

/** A V1 update with no structs that deletes `ranges` one-clock ranges of a client nobody has seen. */
function pendingDeleteSet(gen: prng.PRNG, ranges: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, prng.uint32(gen, 2e9, 4e9))
  encoding.writeVarUint(encoder, ranges)
  for (let i = 0; i < ranges; i++) {
    encoding.writeVarUint(encoder, i * 2)
    encoding.writeVarUint(encoder, 1)
  }
  return encoding.toUint8Array(encoder)
}

/** One string item under `clientId` at `clock` in the root type 'fuzz-forged', and no deletions. */
function itemAt(clientId: number, clock: number, text: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, clock)
  encoding.writeUint8(encoder, STRING_CONTENT)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarString(encoder, 'fuzz-forged')
  encoding.writeVarString(encoder, text)
  encoding.writeVarUint(encoder, 0)
  return encoding.toUint8Array(encoder)
}

/** What a frame generator may aim at: the honest editors' presence ids. */
interface Targets {
  readonly honestAwarenessIds: readonly number[]
  /**
   * The other subject's own frames, under client ids of its own: the first subject to write under
   * an id owns it while connected, so sharing the pool would make refusals (4409) depend on timing.
   */
  readonly forgerPool: readonly Uint8Array[]
}

/**
 * Issue 14's shapes: presence nested too deep, floods of removals of unknown ids, presence under
 * too many ids, delete sets for clients nobody has seen, query floods, and (for the other subject)
 * presence and updates under ids others own.
 */
function hostilePeerFrame(
  gen: prng.PRNG,
  role: 'editor' | 'viewer',
  subject: string,
  targets: Targets,
): FuzzFrame {
  const randomId = () => prng.uint32(gen, 1, 1e9)
  const roll = prng.int32(gen, 0, subject === FORGER ? 6 : 4)
  if (roll === 0) {
    const depth = prng.int32(gen, MAX_AWARENESS_DEPTH + 1, 1500)
    const json = `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`
    const bytes = awarenessFrame([[randomId(), 1, json]])
    return { kind: 'deep awareness state', bytes, expect: expectationFor(bytes, role) }
  }
  if (roll === 1) {
    const entries = Array.from({ length: prng.int32(gen, 50, 350) }, (): [number, number, string] => [
      randomId(),
      prng.uint32(gen, 0, 5),
      'null',
    ])
    const bytes = awarenessFrame(entries)
    return { kind: 'null-state id flood', bytes, expect: expectationFor(bytes, role) }
  }
  if (roll === 2) {
    const entries = Array.from({ length: MAX_AWARENESS_CLIENTS + prng.int32(gen, 1, 4) }, () => [
      randomId(),
      1,
      '{}',
    ]) as Array<[number, number, string]>
    return { kind: 'presence under too many ids', bytes: awarenessFrame(entries), expect: 4429 }
  }
  if (roll === 3) {
    const bytes = encodeSyncUpdate(pendingDeleteSet(gen, prng.int32(gen, 3000, 7000)))
    return {
      kind: 'pending delete set',
      bytes,
      expect: role === 'viewer' ? 'accept' : CLOSE_CODES.PENDING_TOO_LARGE.code,
    }
  }
  if (roll === 4) return { kind: 'query flood', bytes: Uint8Array.from([3]), expect: 'accept', repeat: 100 }
  if (roll === 5) {
    const target = targets.honestAwarenessIds[prng.int32(gen, 0, targets.honestAwarenessIds.length - 1)]!
    const json = prng.bool(gen) ? 'null' : '{"name":"Mallory","awarenessData":{"role":"editor"}}'
    return { kind: 'forged presence', bytes: awarenessFrame([[target, 1_000_000, json]]), expect: 'accept' }
  }
  return {
    kind: 'forged update',
    bytes: encodeSyncUpdate(itemAt(OWNED_CLIENT_ID, prng.int32(gen, 10, 100_000), 'forged')),
    expect: role === 'viewer' ? 'accept' : CLOSE_CODES.CLIENT_ID_IN_USE.code,
  }
}

function mutate(gen: prng.PRNG, source: Uint8Array): Uint8Array {
  const bytes = Array.from(source)
  const at = () => prng.int32(gen, 0, Math.max(0, bytes.length - 1))
  switch (prng.int32(gen, 0, 4)) {
    case 0:
      for (let k = prng.int32(gen, 1, 4); k > 0; k--) bytes[at()] = prng.uint32(gen, 0, 255)
      break
    case 1:
      bytes.length = at() // truncated
      break
    case 2:
      bytes.splice(at(), 0, ...Array.from({ length: prng.int32(gen, 1, 4) }, () => prng.uint32(gen, 0, 255)))
      break
    case 3:
      bytes.splice(at(), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f) // a huge varint
      break
    default:
      bytes.splice(at(), prng.int32(gen, 1, 3))
  }
  return Uint8Array.from(bytes)
}

function randomBytes(gen: prng.PRNG, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => prng.uint32(gen, 0, 255))
}

function nextFrame(
  gen: prng.PRNG,
  pool: readonly Uint8Array[],
  viewerPool: readonly Uint8Array[],
  role: 'editor' | 'viewer',
  subject: string,
  targets: Targets,
): FuzzFrame {
  if (prng.int32(gen, 0, 9) === 0) return hostilePeerFrame(gen, role, subject, targets)
  const pick = <T>(list: readonly T[]) => list[prng.int32(gen, 0, list.length - 1)]!
  const source = role === 'viewer' ? viewerPool : subject === FORGER ? targets.forgerPool : pool
  let kind: string
  let bytes: Uint8Array | string
  const roll = prng.int32(gen, 0, 99)
  if (roll < 25) [kind, bytes] = ['mutated valid frame', mutate(gen, pick(source))]
  else if (roll < 40) [kind, bytes] = ['valid frame', pick(source)]
  else if (roll < 46) [kind, bytes] = ['random bytes', randomBytes(gen, prng.int32(gen, 0, 48))]
  else if (roll < 50)
    [kind, bytes] = [
      'update Yjs decodes but cannot integrate',
      encodeSyncUpdate(
        unintegrableUpdate(
          gen,
          prng.int32(gen, 0, 1) ? 1000 + prng.int32(gen, 0, 3) : prng.uint32(gen, 1, 1e9),
        ),
      ),
    ]
  else if (roll < 58)
    [kind, bytes] = [
      'random Yjs update in valid framing',
      encodeSyncUpdate(randomBytes(gen, prng.int32(gen, 1, 64))),
    ]
  else if (roll < 63) {
    const prefix = pick([[0], [0, 0], [0, 1], [0, 2], [1], [100], []])
    kind = 'truncated varint'
    bytes = Uint8Array.from([
      ...prefix,
      ...Array.from({ length: prng.int32(gen, 1, 10) }, () => 0x80 | prng.uint32(gen, 0, 127)),
    ])
  } else if (roll < 68) {
    kind = 'huge varint'
    bytes = Uint8Array.from([
      pick([0, 1, 100]),
      ...new Array(prng.int32(gen, 8, 12)).fill(0xff),
      0x7f,
      1,
      2,
      3,
    ])
  } else if (roll < 74) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, pick([0, 1, 100]))
    if (prng.bool(gen)) encoding.writeVarUint(encoder, prng.int32(gen, 0, 2))
    encoding.writeVarUint(encoder, prng.int32(gen, 10, 1_000_000))
    encoding.writeUint8Array(encoder, randomBytes(gen, prng.int32(gen, 0, 8)))
    kind = 'length past the end'
    bytes = encoding.toUint8Array(encoder)
  } else if (roll < 80) {
    kind = 'awareness JSON that is not an object'
    bytes = awarenessFrame([
      [prng.uint32(gen, 1, 1e9), 1, pick(['5', '"str"', '[1,2]', 'true', '{', '', 'nul'])],
    ])
  } else if (roll < 84) {
    kind = 'giant awareness state'
    bytes = awarenessFrame([
      [
        prng.uint32(gen, 1, 1e9),
        1,
        JSON.stringify({ pad: 'g'.repeat(prng.int32(gen, MAX_AWARENESS_BYTES, MAX_MESSAGE_BYTES - 100)) }),
      ],
    ])
  } else if (roll < 86) {
    kind = 'oversized frame'
    bytes = encodeSyncUpdate(randomBytes(gen, MAX_MESSAGE_BYTES + prng.int32(gen, 1, 1024)))
  } else if (roll < 88) {
    kind = 'text frame'
    bytes = prng.word(gen, 0, 20)
  } else if (roll < 93) {
    kind = 'valid awareness'
    bytes = awarenessFrame([
      [prng.uint32(gen, 1, 1e9), prng.uint32(gen, 1, 100), JSON.stringify({ n: prng.word(gen, 0, 10) })],
    ])
  } else
    [kind, bytes] = [
      'valid framing, other types',
      pick([
        Uint8Array.from([3]),
        Uint8Array.from([2, 0, 1, 65]),
        Uint8Array.from([100, 1, 0]),
        encodeSyncStep1(Uint8Array.from([0])),
      ]),
    ]
  return { kind, bytes, expect: expectationFor(bytes, role) }
}

// ---- the run ----

function fullHex(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return JSON.stringify(bytes)
  return bytes.byteLength > 4096 ? `(${bytes.byteLength} bytes)` : Buffer.from(bytes).toString('hex')
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`seed ${SEED}: ${what}: nothing within ${CLOSE_DEADLINE_MS} ms`)),
      CLOSE_DEADLINE_MS,
    )
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

const isStep2 = (frame: Uint8Array) => frame[0] === MESSAGE_TYPE.SYNC && frame[1] === SYNC_TYPE.STEP2
const isSaved = (frame: Uint8Array) => frame[0] === MESSAGE_TYPE.SAVED

/**
 * The answers a socket is owed for the frames the server took in: the server sends a step 2 only
 * in answer to a step 1, and a SAVED acknowledgement (`?saved=1`) only for a step 1 or an editor's
 * update (a viewer's is dropped unanswered). A socket's step 2s all look alike, so this is how
 * `confirm` tells the answer to its own step 1 from the answer to a step 1 the fuzzer sent earlier.
 */
interface OwedAnswers {
  step2s: number
  acks: number
}

/** Counts what the server owes for `bytes`, a frame it takes in (expected 'accept' or 'accept-or-4400'). */
function oweAnswers(owed: OwedAnswers, bytes: Uint8Array | string, role: 'editor' | 'viewer'): void {
  if (typeof bytes === 'string') return
  const decoder = decoding.createDecoder(bytes)
  if (decoding.readVarUint(decoder) !== MESSAGE_TYPE.SYNC) return
  if (decoding.readVarUint(decoder) === SYNC_TYPE.STEP1) {
    owed.step2s++
    owed.acks++
  } else if (role === 'editor') owed.acks++
}

/**
 * Proves the socket is open and everything it sent so far was handled, stored and applied: sends
 * step 1, then waits for its step 2 answer and the SAVED acknowledgement it asked for (acks follow
 * the group commits in order, and a stored update that fails to apply closes its sender before
 * them). Those are the last of what `owed` counts: a step 1 sent just before (by the fuzzer) is
 * answered with the same frames, and taking them for ours reported a socket open that the server
 * was closing for the frame between (a step 1, then an update it refuses: 4400). Resolves 'open',
 * or the close code.
 */
async function confirm(raw: RawClient, owed: OwedAnswers = { step2s: 0, acks: 0 }): Promise<'open' | number> {
  owed.step2s++
  owed.acks++
  const count = (test: (frame: Uint8Array) => boolean) => raw.received.filter(test).length
  raw.ws.send(encodeSyncStep1(Uint8Array.from([0])))
  const confirmed = vi
    .waitFor(
      () => {
        expect(count(isStep2)).toBeGreaterThanOrEqual(owed.step2s)
        expect(count(isSaved)).toBeGreaterThanOrEqual(owed.acks)
      },
      { timeout: CLOSE_DEADLINE_MS, interval: 5 },
    )
    .then(() => {
      // More than owed would mean the count above is wrong, and ours may not be among them yet.
      expect({ step2s: count(isStep2), acks: count(isSaved) }, 'answers beyond those owed').toEqual(owed)
      return 'open' as const
    })
  return withDeadline(Promise.race([confirmed, raw.closed]), 'confirmation')
}

interface Tally {
  frames: number
  sockets: number
  accepted: number
  closes: Map<number, number>
  kinds: Map<string, number>
  acceptedUpdatesWithDoubt: number
  refusedUpdatesWithDoubt: number
}

describe('hostile frames', () => {
  it(
    'closes each bad socket with its documented code, keeps the room editing, and stores nothing invalid',
    async () => {
      onTestFailed(() => console.error(`fuzz.test.ts failed with FUZZ_SEED=${SEED} FUZZ_FRAMES=${FRAMES}`))
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-fuzz-'))
      const store = new SqliteStore(databaseFile(dataDir))
      const { server, wsUrl, port } = await startServer(
        {
          maxMessageBytes: MAX_MESSAGE_BYTES,
          maxAwarenessBytes: MAX_AWARENESS_BYTES,
          maxAwarenessClientsPerConnection: MAX_AWARENESS_CLIENTS,
          maxPendingBytes: MAX_PENDING_BYTES,
        },
        { store },
      )
      const gen = prng.create(SEED)
      const pool = Array.from({ length: 4 }, (_, i) => validFrames(gen, 1000 + i)).flat()
      const viewerPool = Array.from({ length: 2 }, (_, i) => validFrames(gen, VIEWER_CLIENT_BASE + i)).flat()

      const honest: StockClient[] = [0, 1, 2].map(() => connectStockClient(wsUrl, 'fuzz'))
      await Promise.all(honest.map(synced))
      for (const [i, client] of honest.entries())
        client.provider.awareness.setLocalStateField('name', `honest ${i}`)
      const targets: Targets = {
        honestAwarenessIds: honest.map((client) => client.doc.clientID),
        forgerPool: Array.from({ length: 2 }, (_, i) => validFrames(gen, 2000 + i)).flat(),
      }
      // Owns OWNED_CLIENT_ID for the whole run, so updates forged under it must be refused.
      const owner = await connectRaw(`ws://127.0.0.1:${port}/ws/fuzz?user=owner`)
      owner.ws.send(encodeSyncUpdate(itemAt(OWNED_CLIENT_ID, 0, 'o')))
      await vi.waitFor(
        () => expect(Y.getState(server.rooms.openRooms[0]!.doc.store, OWNED_CLIENT_ID)).toBe(1),
        POLL,
      )
      const honestCloses: number[] = []
      for (const client of honest)
        client.provider.on('connection-close', (event) => honestCloses.push(event?.code ?? 0))
      let typed = 0
      const typingGen = prng.create(SEED + 0x5eed)
      const typing = setInterval(() => {
        const client = honest[typed % honest.length]!
        client.text.insert(
          prng.int32(typingGen, 0, client.text.length),
          String.fromCharCode(97 + (typed++ % 26)),
        )
      }, 10)
      const lag = monitorEventLoopDelay({ resolution: 20 })
      lag.enable()

      const tally: Tally = {
        frames: 0,
        sockets: 0,
        accepted: 0,
        closes: new Map(),
        kinds: new Map(),
        acceptedUpdatesWithDoubt: 0,
        refusedUpdatesWithDoubt: 0,
      }
      const started = Date.now()
      // One generator per lane, so a seed replays the same frames on each lane whatever the timing.
      const lane = async (index: number) => {
        const laneGen = prng.create(SEED + index + 1)
        while (tally.frames < FRAMES) {
          const role = prng.int32(laneGen, 0, 6) === 0 ? 'viewer' : 'editor'
          const subject = prng.int32(laneGen, 0, 6) === 0 ? FORGER : 'tester'
          const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/fuzz?role=${role}&user=${subject}&saved=1`)
          tally.sockets++
          // The room has attached this socket once its step 1 arrives.
          await vi.waitFor(() => expect(raw.received.length).toBeGreaterThan(0), {
            timeout: CLOSE_DEADLINE_MS,
            interval: 5,
          })
          const sent: string[] = []
          const history = () =>
            `seed ${SEED}, lane ${index}, ${role}; frames on this socket:\n${sent.join('\n')}`
          let open = true
          const owed: OwedAnswers = { step2s: 0, acks: 0 }
          for (let n = prng.int32(laneGen, 1, 8); n > 0 && open && tally.frames < FRAMES; n--) {
            const frame = nextFrame(laneGen, pool, viewerPool, role, subject, targets)
            tally.frames++
            tally.kinds.set(frame.kind, (tally.kinds.get(frame.kind) ?? 0) + 1)
            sent.push(`${frame.kind} (${String(frame.expect)}): ${fullHex(frame.bytes)}`)
            for (let copy = frame.repeat ?? 1; copy > 0; copy--) {
              raw.ws.send(frame.bytes, { binary: typeof frame.bytes !== 'string' })
              if (typeof frame.expect !== 'number') oweAnswers(owed, frame.bytes, role)
            }
            if (typeof frame.expect === 'number') {
              const code = await withDeadline(raw.closed, history())
              expect(code, history()).toBe(frame.expect)
              tally.closes.set(code, (tally.closes.get(code) ?? 0) + 1)
              open = false
            } else if (frame.expect === 'accept-or-4400') {
              const outcome = await confirm(raw, owed)
              if (outcome === 'open') {
                tally.acceptedUpdatesWithDoubt++
                tally.accepted++
              } else {
                // 4422 when what earlier frames left waiting already fills MAX_PENDING_BYTES; 4409 in
                // the rare case a mutation landed on a client id the other subject owns right now.
                expect(
                  [
                    CLOSE_CODES.MALFORMED_MESSAGE.code,
                    CLOSE_CODES.PENDING_TOO_LARGE.code,
                    CLOSE_CODES.CLIENT_ID_IN_USE.code,
                  ],
                  history(),
                ).toContain(outcome)
                tally.refusedUpdatesWithDoubt++
                tally.closes.set(outcome, (tally.closes.get(outcome) ?? 0) + 1)
                open = false
              }
            } else tally.accepted++
          }
          if (open) {
            // Everything accepted must really have been accepted: the socket still answers.
            expect(
              await confirm(raw, owed),
              `socket closed after frames that are all valid; ${history()}`,
            ).toBe('open')
            raw.ws.close()
            await withDeadline(raw.closed, 'client close')
          }
        }
      }
      await Promise.all(Array.from({ length: LANES }, (_, index) => lane(index)))
      clearInterval(typing)
      lag.disable()
      const seconds = (Date.now() - started) / 1000

      // The honest editors never noticed, and converge with the server and with what is stored.
      honest[0]!.text.insert(0, 'after the storm ')
      const serverDoc = () => server.rooms.openRooms[0]!.doc
      await vi.waitFor(() => {
        for (const client of honest) {
          expect(client.text.toString()).toBe(serverDoc().getText('t').toString())
          expect(Y.encodeStateVector(client.doc)).toEqual(Y.encodeStateVector(serverDoc()))
        }
      }, POLL)
      expect(honestCloses, `seed ${SEED}: honest clients were never closed`).toEqual([])
      expect(honest[0]!.text.toString()).toMatch(/^after the storm /)
      await vi.waitFor(() => expect(server.connections.size).toBe(honest.length + 1), POLL)

      // Presence: forged entries never reached anyone, and nothing outlived the sockets that sent it.
      for (const client of honest) {
        for (const [i, other] of honest.entries()) {
          expect(client.provider.awareness.getStates().get(other.doc.clientID)).toMatchObject({
            name: `honest ${i}`,
          })
        }
      }
      const room = server.rooms.openRooms[0]!
      expect(room.awareness.getStates().size, 'only live sockets have presence').toBe(honest.length)
      expect(room.awareness.meta.size, 'no presence bookkeeping outlives its socket').toBe(honest.length)
      expect(room.pendingBytes).toBeLessThanOrEqual(MAX_PENDING_BYTES)
      const forgedUpdates = (await server.metrics.forgedWrites.get()).values.find(
        (v) => v.labels.kind === 'update',
      )
      expect(forgedUpdates?.value ?? 0).toBe(tally.closes.get(CLOSE_CODES.CLIENT_ID_IN_USE.code) ?? 0)
      if (tally.kinds.has('query flood')) {
        const coalesced = (await server.metrics.awarenessQueriesCoalesced.get()).values[0]?.value ?? 0
        expect(coalesced).toBeGreaterThan(0)
      }

      // Nothing invalid is stored: every row decodes and integrates into an empty document (a test
      // that does not depend on what else the room holds). Replaying the log in order is then done
      // as Room.load does it; with equivocating updates (below) one may conflict with another.
      const stored = await store.load('fuzz')
      const rows = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
      for (const [index, row] of rows.entries()) {
        expect(integratesIntoEmptyDoc(row), `seed ${SEED}: stored row ${index} is valid`).toBe(true)
      }
      const replay = new Y.Doc()
      let conflicts = 0
      for (const row of rows) {
        try {
          Y.applyUpdate(replay, row)
        } catch {
          conflicts++
        }
      }
      const reloaded = new Y.Doc()
      Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(replay))
      expect(reloaded.getText('t').toString()).toBe(serverDoc().getText('t').toString())
      // Equivocation: the fuzzer sends real and mutated updates under the same client ids and clocks.
      // Yjs keeps whichever version it integrated first, and a snapshot (which merges pending structs)
      // may keep the other, so the forged clients' state can differ between memory and disk. The
      // honest editors' state must not.
      const storedState = Y.decodeStateVector(Y.encodeStateVector(reloaded))
      const liveState = Y.decodeStateVector(Y.encodeStateVector(serverDoc()))
      for (const client of honest) {
        expect(storedState.get(client.doc.clientID), 'an honest editor is stored in full').toBe(
          liveState.get(client.doc.clientID),
        )
      }
      const storedClients = [...Y.decodeStateVector(Y.encodeStateVector(reloaded)).keys()]
      expect(
        storedClients.filter((id) => id >= VIEWER_CLIENT_BASE && id < VIEWER_CLIENT_BASE + 10),
        'no viewer write stored',
      ).toEqual([])

      const maxLagMs = lag.max / 1e6
      console.info(
        `fuzz seed=${SEED}: ${tally.frames} frames on ${tally.sockets} sockets in ${seconds.toFixed(1)} s; ` +
          `accepted ${tally.accepted} (${tally.acceptedUpdatesWithDoubt} decodable updates taken, ${tally.refusedUpdatesWithDoubt} refused); ` +
          `closes ${JSON.stringify(Object.fromEntries(tally.closes))}; stored rows ${stored.updates.length} (${conflicts} conflicting on replay); max event-loop delay ${maxLagMs.toFixed(0)} ms; ` +
          `kinds ${JSON.stringify(Object.fromEntries(tally.kinds))}`,
      )
      expect(tally.frames).toBeGreaterThanOrEqual(FRAMES)
      expect(maxLagMs, 'the server never hung').toBeLessThan(5000)
      rmSync(dataDir, { recursive: true, force: true })
    },
    60_000 + FRAMES * 25,
  )
})

/** A MemoryStore whose appends wait until the test lets them through. */
class HeldStore extends MemoryStore {
  private readonly held: Array<() => void> = []

  override async append(entries: readonly UpdateEntry[]): Promise<void> {
    await new Promise<void>((resolve) => this.held.push(resolve))
    await super.append(entries)
  }

  release(): void {
    for (const resume of this.held.splice(0)) resume()
  }
}

describe('the confirmation', () => {
  it('is not given by the answers to a step 1 sent before it', async () => {
    const store = new HeldStore()
    const { port } = await startServer({}, { store })
    const raw = await connectRaw(`ws://127.0.0.1:${port}/ws/confirm?saved=1`)
    await vi.waitFor(() => expect(raw.received.length).toBeGreaterThan(0), POLL)
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'held')
    const owed: OwedAnswers = { step2s: 0, acks: 0 }
    // A step 1, answered at once (nothing is being stored yet), then an update the store holds.
    for (const frame of [
      encodeSyncStep1(Uint8Array.from([0])),
      encodeSyncUpdate(Y.encodeStateAsUpdate(doc)),
    ]) {
      raw.ws.send(frame)
      oweAnswers(owed, frame, 'editor')
    }
    let outcome: 'open' | number | undefined
    const confirmed = confirm(raw, owed).then((value) => {
      outcome = value
    })
    await vi.waitFor(() => expect(raw.received.filter(isSaved)).toHaveLength(1), POLL)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(outcome, 'confirmed while the update was not stored yet').toBeUndefined()
    store.release()
    await confirmed
    expect(outcome).toBe('open')
  })
})

// ---- tokens ----

const SECRET = 'fuzz-test-secret-that-is-long-enough-0123456789'
const key = new TextEncoder().encode(SECRET)
const now = () => Math.floor(Date.now() / 1000)

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

type TokenCase = { readonly kind: string; readonly token: string | undefined; readonly status: number }

async function tokenCase(gen: prng.PRNG, room: string): Promise<TokenCase> {
  const claims = { room, role: 'editor' }
  const valid = await createToken({ secret: SECRET, sub: 'u', room, role: 'editor' })
  switch (prng.int32(gen, 0, 12)) {
    case 0:
      return {
        kind: 'other secret',
        token: await createToken({ secret: `${SECRET}x`, sub: 'u', room, role: 'editor' }),
        status: 401,
      }
    case 1: {
      // Flip one character of the header or payload: the signature no longer matches.
      const dot = valid.lastIndexOf('.')
      const at = prng.int32(gen, 0, dot - 1)
      if (valid[at] === '.') return { kind: 'tampered', token: `${valid}x`, status: 401 }
      const replacement = valid[at] === 'A' ? 'B' : 'A'
      return { kind: 'tampered', token: valid.slice(0, at) + replacement + valid.slice(at + 1), status: 401 }
    }
    case 2:
      return {
        kind: 'expired',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setExpirationTime(now() - prng.int32(gen, 1, 100_000))
          .sign(key),
        status: 401,
      }
    case 3:
      return {
        kind: 'alg none',
        token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', exp: now() + 600, ...claims })}.`,
        status: 401,
      }
    case 4:
      return {
        kind: 'HS512 with the right secret',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS512' })
          .setSubject('u')
          .setExpirationTime(now() + 600)
          .sign(key),
        status: 401,
      }
    case 5:
      return {
        kind: 'other room',
        token: await createToken({ secret: SECRET, sub: 'u', room: `${room}-other`, role: 'editor' }),
        status: 403,
      }
    case 6:
      return {
        kind: 'garbage',
        token: Buffer.from(randomBytes(gen, prng.int32(gen, 1, 200))).toString('base64url'),
        status: 401,
      }
    case 7:
      return { kind: 'missing', token: undefined, status: 401 }
    case 8:
      return {
        kind: 'over the length limit',
        token: 'a'.repeat(8193 + prng.int32(gen, 0, 1000)),
        status: 401,
      }
    case 9:
      return {
        kind: 'not yet valid',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setNotBefore(now() + 600)
          .setExpirationTime(now() + 900)
          .sign(key),
        status: 401,
      }
    case 10: {
      // Issue 14: tokens that (nearly) never expire, past MAX_TOKEN_TTL (30 days by default).
      const exp = [now() + 31 * 86_400 + prng.int32(gen, 0, 1e6), Date.UTC(5000, 0, 1) / 1000, 1e308][
        prng.int32(gen, 0, 2)
      ]
      return {
        kind: 'lifetime past the maximum',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setExpirationTime(exp!)
          .sign(key),
        status: 401,
      }
    }
    case 11: {
      const name = ['\u202eevil', 'a\u2066b', 'lone \ud800'][prng.int32(gen, 0, 2)]!
      return {
        kind: 'bidi or lone surrogate in the name',
        token: await createToken({ secret: SECRET, sub: 'u', room, role: 'editor', name }),
        status: 401,
      }
    }
    default:
      return {
        kind: 'no subject',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime(now() + 600)
          .sign(key),
        status: 401,
      }
  }
}

describe('hostile tokens', () => {
  it(
    'refuses every forged, expired, unsigned or misdirected token on the upgrade; viewers never write',
    async () => {
      onTestFailed(() => console.error(`fuzz.test.ts failed with FUZZ_SEED=${SEED} FUZZ_TOKENS=${TOKENS}`))
      // Every case comes from one address: lift the refused-upgrade limit (hygiene.test.ts covers it).
      const { server, port, wsUrl } = await startNode({
        storage: 'memory',
        secret: SECRET,
        upgradeRefusalBurst: TOKENS + 10,
      })
      const gen = prng.create(SEED)
      const counts = new Map<string, number>()
      for (let i = 0; i < TOKENS; i++) {
        const room = `doc-${prng.int32(gen, 0, 20)}`
        const { kind, token, status } = await tokenCase(gen, room)
        counts.set(kind, (counts.get(kind) ?? 0) + 1)
        const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`
        expect((await rawUpgrade(port, `/ws/${room}${query}`)).status, `seed ${SEED}: ${kind}`).toBe(status)
      }
      expect(server.rooms.size, 'no room was created for a refused upgrade').toBe(0)
      expect(server.connections.size).toBe(0)

      // Viewers with valid tokens: every write they send, well-formed or not, is dropped unstored.
      const editor = connectStockClient(wsUrl, 'watched', {
        token: await createToken({ secret: SECRET, sub: 'editor', room: 'watched', role: 'editor' }),
      })
      await synced(editor)
      const viewerToken = await createToken({
        secret: SECRET,
        sub: 'viewer',
        room: 'watched',
        role: 'viewer',
      })
      // Updates and step 2s of a viewer's own document, intact or with a mangled payload in valid framing.
      const viewerDoc = new Y.Doc()
      viewerDoc.clientID = VIEWER_CLIENT_BASE
      const updates: Uint8Array[] = []
      viewerDoc.on('update', (update: Uint8Array) => updates.push(update))
      for (let i = 0; i < 20; i++) viewerDoc.getText('t').insert(0, `viewer ${i} `)
      let sent = 0
      for (let v = 0; v < 10; v++) {
        const viewer = await connectRaw(`${wsUrl}/watched?token=${viewerToken}&saved=1`)
        for (const update of updates) {
          const payload = prng.bool(gen) ? update : mutate(gen, update)
          viewer.ws.send(prng.bool(gen) ? encodeSyncUpdate(payload) : encodeSyncStep2(payload))
          sent++
        }
        expect(await confirm(viewer), `seed ${SEED}: a viewer's writes are dropped, not punished`).toBe(
          'open',
        )
        viewer.ws.close()
      }
      editor.text.insert(0, 'only the editor writes')
      const doc = new Y.Doc()
      await vi.waitFor(async () => {
        for (const update of (await server.store.load('watched')).updates) Y.applyUpdate(doc, update)
        expect(doc.getText('t').toString()).toBe('only the editor writes')
      }, POLL)
      expect([...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()]).not.toContain(VIEWER_CLIENT_BASE)
      expect(server.rooms.openRooms[0]!.doc.getText('t').toString()).toBe('only the editor writes')
      const dropped = await server.metrics.droppedViewerWrites.get()
      expect(dropped.values[0]?.value).toBe(sent)
      console.info(
        `token fuzz seed=${SEED}: ${TOKENS} upgrades ${JSON.stringify(Object.fromEntries(counts))}; ${sent} viewer writes dropped`,
      )
    },
    60_000 + TOKENS * 100,
  )
})

describe('hostile updates already in storage', () => {
  it('skips a stored update Yjs cannot apply (written before these checks) instead of refusing the room', async () => {
    const store = new MemoryStore()
    const good = new Y.Doc()
    good.getText('t').insert(0, 'still readable')
    const bad = unintegrableUpdate(prng.create(SEED), 1, 0) // an item whose origin is its own future
    expect(integratesIntoEmptyDoc(bad), 'the stored row really is poison').toBe(false)
    await store.append([
      { room: 'poisoned', update: Y.encodeStateAsUpdate(good) },
      { room: 'poisoned', update: bad },
    ])
    const { server, wsUrl } = await startServer({}, { store })
    const reader = connectStockClient(wsUrl, 'poisoned')
    await synced(reader)
    expect(reader.text.toString()).toContain('still readable')
    const skipped = await server.metrics.storedUpdatesSkipped.get()
    expect(skipped.values[0]?.value).toBe(1)
    expect((await store.load('poisoned')).updates, 'the row is left in storage').toHaveLength(2)
  })
})
