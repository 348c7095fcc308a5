import { commentsRoomName } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
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
      addAuthors: async () => {},
      onRecordFailed: () => {},
    })
    const text = updateOf((doc) => doc.getText('t').insert(0, 'hi'))
    const comment = updateOf((doc) => doc.getMap('comments').set('c', 'x'))
    recorder.onCommitted([
      { room: 'doc', update: text, author: { userId: 'id-Ann', name: 'Ann' } },
      { room: commentsRoomName('doc'), update: comment, author: { userId: 'id-Ben', name: 'Ben' } },
      { room: commentsRoomName('other'), update: comment, author: { userId: 'id-Ben', name: 'Ben' } },
    ])
    await recorder.close()
    expect(requests.map((r) => [r.documentId, r.editors])).toEqual([['doc', ['Ann']]])
  })

  it("a window another node's version covers adds its people to it; a covered interval goes on from the claim", async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    try {
      const requests: VersionRequest[] = []
      const added: unknown[] = []
      let claimedAt = 0
      const recorder = new VersionRecorder({
        idleMs: 1_000,
        maxIntervalMs: 10_000,
        record: async (request) => {
          requests.push(request)
          return { covered: true, claimedAt }
        },
        addAuthors: async (documentId, authors) => {
          added.push([documentId, authors.editors])
        },
        onRecordFailed: (error) => {
          throw error
        },
      })
      const edit = (author: string) =>
        recorder.onCommitted([
          {
            room: 'doc',
            update: updateOf((doc) => doc.getText('t').insert(0, author)),
            author: { userId: author, name: author },
          },
        ])

      // Quiet: covered from the window's last commit; another node's version claimed later holds it all.
      edit('Ann')
      claimedAt = Date.now() + 500
      await vi.advanceTimersByTimeAsync(1_000)
      expect(requests.map((r) => r.coveredSince)).toEqual([1_000_000])
      expect(added).toEqual([['doc', ['Ann']]])

      // Steady editing: covered since the window opened; the window goes on from the other node's claim.
      requests.length = 0
      added.length = 0
      const openedAt = Date.now()
      claimedAt = openedAt + 5_000
      for (let i = 0; i < 20; i++) {
        edit('Ben')
        await vi.advanceTimersByTimeAsync(600)
      }
      expect(requests[0]?.coveredSince).toBe(openedAt)
      expect(added).toEqual([['doc', ['Ben']]])
      // Ben kept typing after the claim: his window is open again, from the claim, and is recorded when quiet.
      claimedAt = 0
      await vi.advanceTimersByTimeAsync(1_000)
      expect(requests.at(-1)).toMatchObject({ editors: ['Ben'] })
      await recorder.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
