import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { validateAwarenessUpdate } from './validateAwarenessUpdate'

function entries(...list: Array<[clientId: number, clock: number, json: string]>): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, list.length)
  for (const [clientId, clock, json] of list) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, json)
  }
  return encoding.toUint8Array(encoder)
}

describe('validateAwarenessUpdate', () => {
  it('accepts what y-protocols encodes: presences and removals', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    awareness.setLocalState({ user: { name: 'Ann', color: '#f00' }, cursor: null })
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])
    expect(validateAwarenessUpdate(update)).toBeUndefined()
    expect(validateAwarenessUpdate(entries([1, 2, 'null']))).toBeUndefined()
    expect(validateAwarenessUpdate(entries())).toBeUndefined()
    awareness.destroy()
  })

  const refused: Record<string, Uint8Array> = {
    'a number': entries([1, 1, '5']),
    'a string': entries([1, 1, '"hi"']),
    'an array': entries([1, 1, '[1,2]']),
    'not JSON': entries([1, 1, '{x}']),
    'a second entry that is bad': entries([1, 1, '{}'], [2, 1, 'true']),
    'a count past the end': Uint8Array.from([5, 1, 1, 2, 123, 125]),
    'trailing bytes': Uint8Array.from([...entries([1, 1, '{}']), 0]),
    'a client id past 2^53': Uint8Array.from([
      1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 123, 125,
    ]),
    'nothing at all': new Uint8Array(0),
  }
  for (const [name, update] of Object.entries(refused)) {
    it(`refuses ${name}`, () => {
      expect(validateAwarenessUpdate(update)).toBeTypeOf('string')
    })
  }
})
