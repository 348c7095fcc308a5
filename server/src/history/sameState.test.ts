import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { sameState } from './sameState'

it('reads two encodings of one document as the same, and a deletion as a change', () => {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  doc.getText('t').insert(0, 'hello world')
  doc.getText('t').delete(0, 6)
  const whole = Y.encodeStateAsUpdate(doc)
  const merged = Y.mergeUpdates(updates)
  expect(Buffer.from(merged).equals(whole)).toBe(false)
  expect(sameState(whole, merged)).toBe(true)
  expect(sameState(whole, new Uint8Array([255, 255, 255]))).toBe(false)
  // A deletion adds no struct (the state vector stays): only the delete set tells.
  doc.getText('t').delete(0, 1)
  expect(sameState(whole, Y.encodeStateAsUpdate(doc))).toBe(false)
  doc.getText('t').insert(0, 'x')
  expect(sameState(whole, Y.encodeStateAsUpdate(doc))).toBe(false)
})
