import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { LEXICAL_ROOT_NAME } from '../docLayout'
import { decodeAnchorPosition, encodeAnchorPosition } from './commentWrites'

describe('decodeAnchorPosition', () => {
  it('reads positions of an item, a nested type or the Lexical root; nothing else', () => {
    const doc = new Y.Doc()
    const root = doc.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    const paragraph = new Y.XmlText('hello')
    root.insert(0, [paragraph])
    // biome-ignore lint/suspicious/noExplicitAny: any Yjs type
    const at = (type: Y.AbstractType<any>, index: number) =>
      encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(type, index))
    for (const encoded of [at(paragraph, 2), at(paragraph, 5), at(root, 1)]) {
      const position = decodeAnchorPosition(encoded)
      expect(position).not.toBeNull()
      expect(() => Y.createAbsolutePositionFromRelativePosition(position!, doc)).not.toThrow()
    }
    const other = new Y.Doc()
    expect(decodeAnchorPosition(at(other.getText('elsewhere'), 0)), 'another top-level type').toBeNull()
    expect(decodeAnchorPosition('Aw=='), 'a position naming nothing').toBeNull()
    expect(decodeAnchorPosition('AAA='), 'truncated').toBeNull()
    expect(decodeAnchorPosition('%%%'), 'not base64').toBeNull()
    expect(doc.share.size, 'reading created no top-level type').toBe(1)
  })
})
