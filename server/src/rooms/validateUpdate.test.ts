import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { validateUpdate } from './validateUpdate'

/** Content ref of ContentString in the V1 struct encoding; BIT8 = has origin. */
const STRING_CONTENT = 4
const HAS_ORIGIN = 0x80

/** A hand-written V1 update: client 1 inserts 'a' at clock 0 into root text `t`, then `second`. */
function handmade(second: { originClock: number } | null, deleteRange?: [clock: number, len: number]) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1) // one client
  encoding.writeVarUint(encoder, second ? 2 : 1)
  encoding.writeVarUint(encoder, 1) // client id
  encoding.writeVarUint(encoder, 0) // first clock
  encoding.writeUint8(encoder, STRING_CONTENT)
  encoding.writeVarUint(encoder, 1) // parent is a root type, by key
  encoding.writeVarString(encoder, 't')
  encoding.writeVarString(encoder, 'a')
  if (second) {
    encoding.writeUint8(encoder, STRING_CONTENT | HAS_ORIGIN)
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, second.originClock)
    encoding.writeVarString(encoder, 'b')
  }
  encoding.writeVarUint(encoder, deleteRange ? 1 : 0)
  if (deleteRange) {
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, deleteRange[0])
    encoding.writeVarUint(encoder, deleteRange[1])
  }
  return encoding.toUint8Array(encoder)
}

function appliesCleanly(base: Uint8Array, update: Uint8Array): boolean {
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, base)
    Y.applyUpdate(doc, update)
    const reloaded = new Y.Doc()
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc))
    return true
  } catch {
    return false
  }
}

describe('validateUpdate', () => {
  it('accepts the hand-written baseline, which Yjs applies', () => {
    const ok = handmade({ originClock: 0 })
    expect(validateUpdate(ok)).toBeUndefined()
    expect(appliesCleanly(new Uint8Array([0, 0]), ok)).toBe(true)
  })

  it('refuses what Yjs decodes but cannot integrate', () => {
    const cases: Record<string, Uint8Array> = {
      'an origin at its own future clock': handmade({ originClock: 5 }),
      'a deleted range of length 0': handmade(null, [0, 0]),
      'a clock range past 2^53': handmade(null, [2 ** 53, 5]),
    }
    for (const [name, update] of Object.entries(cases)) {
      expect(() => Y.decodeUpdate(update), `${name}: decodes`).not.toThrow()
      expect(validateUpdate(update), name).toBeTypeOf('string')
    }
    expect(appliesCleanly(new Uint8Array([0, 0]), cases['an origin at its own future clock']!)).toBe(false)
  })

  it('refuses bytes Yjs cannot read', () => {
    expect(validateUpdate(Uint8Array.from([5, 200, 1, 7, 7, 7]))).toMatch(/unreadable/)
  })

  it('passes nothing that then fails to apply or reload (seeded mutations of real updates)', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20251125)
    const gen = prng.create(seed)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    const text = doc.getText('t')
    for (let i = 0; i < 120; i++) {
      const op = prng.int32(gen, 0, 4)
      if (op < 2 || text.length < 4) text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 5))
      else if (op === 2) text.delete(prng.int32(gen, 0, text.length - 2), 2)
      else if (op === 3) doc.getMap('m').set(prng.word(gen, 1, 3), { n: i, list: [true, null, 'x'] })
      else doc.getArray('a').insert(0, [new Y.Map()])
    }
    const base = Y.encodeStateAsUpdate(doc)
    for (const update of updates)
      expect(validateUpdate(update), `seed ${seed}: a real update`).toBeUndefined()
    let accepted = 0
    for (let i = 0; i < 1500; i++) {
      const source = updates[prng.int32(gen, 0, updates.length - 1)]!
      const mutated = source.slice()
      for (let k = prng.int32(gen, 1, 3); k > 0; k--) {
        mutated[prng.int32(gen, 0, mutated.length - 1)] = prng.uint32(gen, 0, 255)
      }
      if (validateUpdate(mutated) !== undefined) continue
      accepted++
      expect(appliesCleanly(base, mutated), `seed ${seed}, mutation ${i}`).toBe(true)
    }
    expect(accepted, 'some mutations are valid Yjs and are accepted').toBeGreaterThan(50)
  })
})
