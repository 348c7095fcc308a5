import { commentsRoomName } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { VersionRequest } from './DocumentHistory'
import { VersionRecorder } from './VersionRecorder'

function updateOf(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  write(doc)
  return Y.encodeStateAsUpdate(doc)
}

describe('VersionRecorder', () => {
  it('records documents’ rooms, never their comments rooms', async () => {
    const requests: VersionRequest[] = []
    const recorder = new VersionRecorder({
      idleMs: 60_000,
      maxIntervalMs: 60_000,
      record: async (request) => requests.push(request),
      onRecordFailed: () => {},
    })
    const text = updateOf((doc) => doc.getText('t').insert(0, 'hi'))
    const comment = updateOf((doc) => doc.getMap('comments').set('c', 'x'))
    recorder.onCommitted([
      { room: 'doc', update: text, author: 'Ann' },
      { room: commentsRoomName('doc'), update: comment, author: 'Ben' },
      { room: commentsRoomName('other'), update: comment, author: 'Ben' },
    ])
    await recorder.close()
    expect(requests.map((r) => [r.documentId, r.editors])).toEqual([['doc', ['Ann']]])
  })
})
