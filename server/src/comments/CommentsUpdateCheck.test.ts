import {
  addComment,
  CLOSE_CODES,
  COMMENT_LIMITS,
  commentsOf,
  deleteComment,
  editComment,
  encodeAnchorPosition,
  notePerson,
  openThread,
  peopleOf,
  setResolved,
  threadsOf,
} from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { LimitExceededError } from '../rooms/LimitExceededError'
import type { PeerIdentity } from '../rooms/Peer'
import { InvalidUpdateError } from '../rooms/Room'
import { CommentsUpdateCheck, type CommentsUpdateCheckOptions } from './CommentsUpdateCheck'
import { createdCommentsOf } from './createdComments'
import { MirrorRebuildBudget } from './MirrorRebuildBudget'

const ANN = { userId: 'ann', name: 'Ann', role: 'editor' } as const
const BEN = { userId: 'ben', name: 'Ben', role: 'commenter' } as const
/** Positions of an item (client 1, clock 0): a real text's ids do not matter to the check. */
const ANCHOR = { start: 'AAEAAA==', end: 'AAEAAA==', quote: 'hello' }

/** The room's doc and a client's copy of it; `write` runs on the client and returns its update. */
function setup(options: CommentsUpdateCheckOptions = {}) {
  const room = new Y.Doc()
  const check = new CommentsUpdateCheck(options)
  const client = (): Y.Doc => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(room))
    return doc
  }
  /** Checks what `change` writes on a fresh client copy; applies it to the room when accepted. */
  const submit = (author: PeerIdentity, change: (doc: Y.Doc) => void) => {
    const doc = client()
    const before = Y.encodeStateVector(doc)
    change(doc)
    const update = Y.encodeStateAsUpdate(doc, before)
    check.check(room, update, author)
    Y.applyUpdate(room, update)
  }
  return { room, submit }
}

const ann = { id: 'ann', name: 'Ann' }
const ben = { id: 'ben', name: 'Ben' }

describe('CommentsUpdateCheck', () => {
  it('takes threads, replies, edits and deletions of one’s own, resolutions by anyone', () => {
    const { room, submit } = setup()
    let threadId = ''
    submit(ANN, (doc) => {
      threadId = openThread(doc, ann, ANCHOR, 'First')
    })
    let reply = ''
    submit(BEN, (doc) => {
      reply = addComment(doc, ben, threadId, 'Reply')
    })
    submit(BEN, (doc) => editComment(doc, reply, 'Reply, edited'))
    submit(BEN, (doc) => setResolved(doc, ben, threadId, true))
    submit(ANN, (doc) => setResolved(doc, ann, threadId, false))
    submit(BEN, (doc) => deleteComment(doc, reply))
    submit(BEN, (doc) => notePerson(doc, ben, COMMENT_LIMITS.maxPeople))
    expect(commentsOf(room).size).toBe(1)
    expect(threadsOf(room).get(threadId)).toMatchObject({ resolved: false, resolvedBy: 'ann' })
    expect(peopleOf(room).get('ben')).toEqual({ name: 'Ben' })
  })

  it.each([
    ['a thread in another’s name', (doc: Y.Doc) => openThread(doc, ann, ANCHOR, 'Hi')],
    ['a comment in another’s name', (doc: Y.Doc, t: string) => addComment(doc, ann, t, 'Hi')],
    [
      'a comment under a forged display name',
      (doc: Y.Doc, t: string) => addComment(doc, { id: 'ben', name: 'Ann' }, t, 'Hi'),
    ],
    ['an edit of another’s comment', (doc: Y.Doc, _t: string, c: string) => editComment(doc, c, 'mine now')],
    ['a deletion of another’s comment', (doc: Y.Doc, _t: string, c: string) => deleteComment(doc, c)],
    ['a resolution in another’s name', (doc: Y.Doc, t: string) => setResolved(doc, ann, t, true)],
    [
      'a moved anchor',
      (doc: Y.Doc, t: string) =>
        threadsOf(doc).set(t, { ...threadsOf(doc).get(t)!, anchor: { ...ANCHOR, quote: 'x' } }),
    ],
    ['a removed thread', (doc: Y.Doc, t: string) => threadsOf(doc).delete(t)],
    // Keys carry their author: on a cluster another node may not know a key yet (see commentsCluster).
    [
      'a new thread under a key of another’s',
      (doc: Y.Doc) =>
        threadsOf(doc).set('ann:k1', {
          id: 'ann:k1',
          anchor: ANCHOR,
          authorId: 'ben',
          createdAt: Date.now(),
          resolved: false,
        }),
    ],
    [
      'a new thread under a legacy key (no author)',
      (doc: Y.Doc) =>
        threadsOf(doc).set('k1', {
          id: 'k1',
          anchor: ANCHOR,
          authorId: 'ben',
          createdAt: Date.now(),
          resolved: false,
        }),
    ],
    [
      'a new comment under a key of another’s',
      (doc: Y.Doc, t: string) =>
        commentsOf(doc).set('ann:k2', {
          id: 'ann:k2',
          threadId: t,
          authorId: 'ben',
          authorName: 'Ben',
          body: 'Hi',
          createdAt: Date.now(),
        }),
    ],
    // Anchors are decoded at creation: one naming nothing throws in every client's highlight pass,
    // one naming a top-level type makes every reader create that type.
    ['an anchor naming nothing', (doc: Y.Doc) => openThread(doc, ben, { ...ANCHOR, start: 'Aw==' }, 'Hi')],
    [
      'an anchor naming another top-level type',
      (doc: Y.Doc) =>
        openThread(
          doc,
          ben,
          {
            ...ANCHOR,
            end: encodeAnchorPosition(Y.createRelativePositionFromTypeIndex(doc.getText('x'), 0)),
          },
          'Hi',
        ),
    ],
    ['an unreadable anchor', (doc: Y.Doc) => openThread(doc, ben, { ...ANCHOR, start: 'AAA=' }, 'Hi')],
    ['a comment on no thread', (doc: Y.Doc) => addComment(doc, ben, 'nothread', 'Hi')],
    ['an empty body', (doc: Y.Doc, t: string) => addComment(doc, ben, t, '   ')],
    [
      'a body over the limit',
      (doc: Y.Doc, t: string) => addComment(doc, ben, t, 'x'.repeat(COMMENT_LIMITS.maxBodyLength + 1)),
    ],
    [
      'an unknown field',
      (doc: Y.Doc, t: string) => {
        const id = addComment(doc, ben, t, 'Hi')
        commentsOf(doc).set(id, { ...commentsOf(doc).get(id)!, html: '<b>' } as never)
      },
    ],
    ['another top-level type', (doc: Y.Doc) => doc.getText('root-v2').insert(0, 'text')],
    ['a nested Yjs type', (doc: Y.Doc) => commentsOf(doc).set('nested', new Y.Map() as never)],
    ['another person’s entry', (doc: Y.Doc) => peopleOf(doc).set('ann', { name: 'Someone' })],
    // Storing undefined is a set, not a deletion: it must pass the shape check like any value.
    ['an undefined comment', (doc: Y.Doc) => commentsOf(doc).set('junk', undefined as never)],
    ['an undefined own person entry', (doc: Y.Doc) => peopleOf(doc).set('ben', undefined as never)],
    ['an undefined thread', (doc: Y.Doc, t: string) => threadsOf(doc).set(t, undefined as never)],
    [
      'a comment dated next year',
      (doc: Y.Doc, t: string) => addComment(doc, ben, t, 'Hi', Date.now() + 365 * 86_400_000),
    ],
    // Times may be a day ahead of the server's (a fast clock), any time behind (offline work).
    [
      'a comment dated two days ahead',
      (doc: Y.Doc, t: string) => addComment(doc, ben, t, 'Hi', Date.now() + 2 * 86_400_000),
    ],
    [
      'a resolution dated next week',
      (doc: Y.Doc, t: string) => setResolved(doc, ben, t, true, Date.now() + 7 * 86_400_000),
    ],
    [
      'a new comment that says it was edited',
      (doc: Y.Doc, t: string) => {
        const id = addComment(doc, ben, t, 'Hi')
        commentsOf(doc).set(id, { ...commentsOf(doc).get(id)!, editedAt: Date.now() })
      },
    ],
    // A thread is opened unresolved: a resolution is a later change in its sender's name.
    [
      'a thread opened resolved',
      (doc: Y.Doc) => {
        const id = openThread(doc, ben, ANCHOR, 'Hi')
        threadsOf(doc).set(id, {
          ...threadsOf(doc).get(id)!,
          resolved: true,
          resolvedBy: 'ben',
          resolvedAt: Date.now(),
        })
      },
    ],
    [
      'a thread opened with a resolver but unresolved',
      (doc: Y.Doc) => {
        const id = openThread(doc, ben, ANCHOR, 'Hi')
        threadsOf(doc).set(id, { ...threadsOf(doc).get(id)!, resolvedBy: 'ann', resolvedAt: 1 })
      },
    ],
  ])('refuses %s', (_name, change) => {
    const { submit } = setup()
    let threadId = ''
    submit(ANN, (doc) => {
      threadId = openThread(doc, ann, ANCHOR, 'Ann’s')
    })
    const annComment = ''
    let first = annComment
    submit(ANN, (doc) => {
      first = [...commentsOf(doc).keys()][0]!
    })
    expect(() => submit(BEN, (doc) => change(doc, threadId, first))).toThrow(InvalidUpdateError)
  })

  it('takes honest offline work and fast clocks: a reply written three days ago, a clock ten minutes fast', () => {
    const { room, submit } = setup()
    let threadId = ''
    submit(ANN, (doc) => {
      threadId = openThread(doc, ann, ANCHOR, 'First', Date.now() - 4 * 86_400_000)
    })
    submit(BEN, (doc) => addComment(doc, ben, threadId, 'Written offline', Date.now() - 3 * 86_400_000))
    submit(BEN, (doc) => addComment(doc, ben, threadId, 'Fast clock', Date.now() + 10 * 60_000))
    submit(BEN, (doc) => setResolved(doc, ben, threadId, true, Date.now() + 10 * 60_000))
    expect([...commentsOf(room).values()].map((c) => c.body).sort()).toEqual([
      'Fast clock',
      'First',
      'Written offline',
    ])
  })

  it('refuses an edit that rewrites a comment without moving its edit time', () => {
    const { submit } = setup()
    let threadId = ''
    let reply = ''
    submit(ANN, (doc) => {
      threadId = openThread(doc, ann, ANCHOR, 'First')
    })
    submit(BEN, (doc) => {
      reply = addComment(doc, ben, threadId, 'Agreed')
    })
    submit(BEN, (doc) => editComment(doc, reply, 'Agreed, edited'))
    const silently = (doc: Y.Doc) =>
      commentsOf(doc).set(reply, { ...commentsOf(doc).get(reply)!, body: 'Never agreed' })
    expect(() => submit(BEN, silently)).toThrow(InvalidUpdateError)
    // An edit from a clock behind the one that wrote the comment still moves its time (editComment).
    submit(BEN, (doc) => editComment(doc, reply, 'Agreed again', 1))
  })

  it('keeps legacy entries (ids without their author) readable, resolvable, editable by their author', () => {
    const { room, submit } = setup()
    room.transact(() => {
      threadsOf(room).set('t1', { id: 't1', anchor: ANCHOR, authorId: 'ann', createdAt: 1, resolved: false })
      commentsOf(room).set('c1', {
        id: 'c1',
        threadId: 't1',
        authorId: 'ann',
        authorName: 'Ann',
        body: 'Old',
        createdAt: 1,
      })
    })
    submit(BEN, (doc) => addComment(doc, ben, 't1', 'A reply to an old thread'))
    submit(BEN, (doc) => setResolved(doc, ben, 't1', true))
    submit(ANN, (doc) => editComment(doc, 'c1', 'Old, edited'))
    expect(() => submit(BEN, (doc) => editComment(doc, 'c1', 'mine now'))).toThrow(InvalidUpdateError)
    expect(commentsOf(room).get('c1')).toMatchObject({ body: 'Old, edited' })
    expect(threadsOf(room).get('t1')).toMatchObject({ resolved: true, resolvedBy: 'ben' })
  })

  it('refuses a thread past the limit, as a limit', () => {
    const { room, submit } = setup()
    room.transact(() => {
      for (let i = 0; i < COMMENT_LIMITS.maxThreads; i++) {
        threadsOf(room).set(`t${i}`, {
          id: `t${i}`,
          anchor: ANCHOR,
          authorId: 'ann',
          createdAt: 1,
          resolved: false,
        })
      }
    })
    expect(() => submit(ANN, (doc) => openThread(doc, ann, ANCHOR, 'One more'))).toThrow(LimitExceededError)
  })

  it('still judges and limits comments in a document holding a malformed value, resends included', () => {
    // An unlimited rebuild budget: this is about judging, not about how often the mirror is rebuilt.
    const { room, submit } = setup({ rebuilds: new MirrorRebuildBudget({ maxShare: 1 }) })
    let threadId = ''
    submit(ANN, (doc) => {
      threadId = openThread(doc, ann, ANCHOR, 'First')
    })
    // A value that slipped in before the shape rule (written straight to the room, unchecked).
    commentsOf(room).set('junk', undefined as never)
    submit(ANN, (doc) => addComment(doc, ann, threadId, 'still works'))
    const spam = (doc: Y.Doc) =>
      doc.transact(() => {
        for (let i = 0; i < COMMENT_LIMITS.maxCommentsPerThread; i++)
          addComment(doc, ben, threadId, `spam ${i}`)
      })
    expect(() => submit(BEN, spam)).toThrow(LimitExceededError)
    expect(() => submit(BEN, spam)).toThrow(LimitExceededError)
    expect(commentsOf(room).size).toBe(3)
  })

  it('judges an update on top of accepted ones the room has not applied yet (still being stored)', () => {
    const room = new Y.Doc()
    const check = new CommentsUpdateCheck()
    const client = new Y.Doc()
    const updates: Uint8Array[] = []
    client.on('update', (update: Uint8Array) => updates.push(update))
    const threadId = openThread(client, ann, ANCHOR, 'First')
    setResolved(client, ann, threadId, true)
    // Neither is applied to the room yet: the second builds on the first.
    check.check(room, updates[0]!, ANN)
    check.check(room, updates[1]!, ANN)
    expect(() => {
      const forged = new Y.Doc()
      Y.applyUpdate(forged, Y.mergeUpdates(updates))
      const sv = Y.encodeStateVector(forged)
      editComment(forged, [...commentsOf(forged).keys()][0]!, 'forged')
      check.check(room, Y.encodeStateAsUpdate(forged, sv), BEN)
    }).toThrow(InvalidUpdateError)
  })

  it('refuses (4429) to rebuild a large document’s mirror again soon after a refusal, even after a reload', () => {
    const room = largeRoom()
    const rebuilds = new MirrorRebuildBudget()
    const forge = () => {
      const client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
      const before = Y.encodeStateVector(client)
      addComment(client, ann, 't1', 'in Ann’s name')
      return Y.encodeStateAsUpdate(client, before)
    }
    const name = 'doc/comments'
    expect(() => new CommentsUpdateCheck({ room: name, rebuilds }).check(room, forge(), BEN)).toThrow(
      InvalidUpdateError,
    )
    // A new check for the same room (the room unloaded and loaded again) shares the server's budget.
    const reloaded = new CommentsUpdateCheck({ room: name, rebuilds })
    const resend = forge()
    const started = performance.now()
    let refusal: unknown
    try {
      reloaded.check(room, resend, BEN)
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(LimitExceededError)
    expect((refusal as LimitExceededError).closeCode).toBe(CLOSE_CODES.RATE_LIMITED)
    expect(performance.now() - started, 'refused before decoding the document').toBeLessThan(100)
    // Another document's budget is its own.
    expect(() =>
      new CommentsUpdateCheck({ room: 'other/comments', rebuilds }).check(room, forge(), BEN),
    ).toThrow(InvalidUpdateError)
  })

  it('charges a refusal’s rebuild to its sender: one link holder’s refusals never lock others out', () => {
    const room = largeRoom()
    const check = new CommentsUpdateCheck({ room: 'doc/comments', rebuilds: new MirrorRebuildBudget() })
    const mallory = { userId: 'guest-m', name: 'M', role: 'commenter', shareKeyId: 'view-link' } as const
    const update = (change: (doc: Y.Doc) => void) => {
      const client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
      const before = Y.encodeStateVector(client)
      change(client)
      return Y.encodeStateAsUpdate(client, before)
    }
    for (let round = 0; round < 3; round++) {
      // One forged update each round (the first after a refusal comes back 4429: the budget is hers).
      let refusal: unknown
      try {
        check.check(
          room,
          update((doc) => addComment(doc, ann, 't1', 'in Ann’s name')),
          mallory,
        )
      } catch (error) {
        refusal = error
      }
      expect(refusal instanceof InvalidUpdateError || refusal instanceof LimitExceededError).toBe(true)
      // Ann's reply needs a rebuild of the large document, and is judged (and accepted) all the same.
      const reply = update((doc) => addComment(doc, ann, 't1', `reply ${round}`))
      check.check(room, reply, ANN)
      Y.applyUpdate(room, reply)
    }
  })

  it('shares one allowance among the guest ids of one share link (a new one per token exchange)', () => {
    const { submit } = setup({ now: () => 1_000_000 })
    // Three threads, so the 200 comments a thread may hold are not what stops the flood.
    const threads: string[] = []
    for (let i = 0; i < 3; i++)
      submit(ANN, (doc) => threads.push(openThread(doc, ann, ANCHOR, 'First', 1_000_000)))
    const threadId = threads[0]!
    let accepted = 0
    let refusal: unknown
    try {
      for (let exchange = 0; exchange < 10; exchange++) {
        const guest = {
          userId: `guest-${exchange}`,
          name: 'M',
          role: 'commenter',
          shareKeyId: 'link',
        } as const
        for (let i = 0; i < 59; i++) {
          const on = threads[accepted % 3]!
          submit(guest, (doc) => addComment(doc, { id: guest.userId, name: 'M' }, on, 'spam', 1_000_000))
          accepted++
        }
      }
    } catch (error) {
      refusal = error
    }
    expect((refusal as LimitExceededError).closeCode).toBe(CLOSE_CODES.RATE_LIMITED)
    expect(accepted).toBe(4 * 60)
    // Another link's guests, and embedders' users (no link), have their own allowances.
    submit({ userId: 'guest-x', name: 'X', role: 'commenter', shareKeyId: 'other' } as never, (doc) =>
      addComment(doc, { id: 'guest-x', name: 'X' }, threadId, 'mine', 1_000_000),
    )
    submit(BEN, (doc) => addComment(doc, ben, threadId, 'mine', 1_000_000))
  })

  it.each([
    [
      'inside a stray top-level type stored before the rules',
      (doc: Y.Doc) => doc.getText('junk').insert(0, 'more'),
    ],
    [
      'inside a nested type stored before the rules',
      (doc: Y.Doc) => (commentsOf(doc).get('legacy') as unknown as Y.Map<string>).set('x', 'y'.repeat(1000)),
    ],
  ])('refuses content added %s', (_name, change) => {
    const { room, submit } = setup()
    room.getText('junk').insert(0, 'old junk')
    commentsOf(room).set('legacy', new Y.Map() as never)
    expect(() => submit(BEN, change)).toThrow(InvalidUpdateError)
    // Valid changes still pass beside the junk.
    submit(BEN, (doc) => notePerson(doc, ben, COMMENT_LIMITS.maxPeople))
  })

  it('costs little on a large comments document once its mirror is built', () => {
    const room = largeRoom()
    const bytes = Y.encodeStateAsUpdate(room).byteLength
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    const check = new CommentsUpdateCheck()
    const times: number[] = []
    for (let i = 0; i < 21; i++) {
      const before = Y.encodeStateVector(client)
      addComment(client, ben, 't1', `reply ${i}`)
      const update = Y.encodeStateAsUpdate(client, before)
      const started = performance.now()
      check.check(room, update, BEN)
      times.push(performance.now() - started)
      Y.applyUpdate(room, update)
    }
    const first = times.shift()!
    times.sort((a, b) => a - b)
    console.info(
      `comments check, ${(bytes / 1024).toFixed(0)} KiB document: first ${first.toFixed(1)} ms (builds the mirror), then median ${times[10]!.toFixed(2)} ms`,
    )
    expect(bytes).toBeGreaterThan(900_000)
  })
})

describe('createdCommentsOf (comment.created webhooks)', () => {
  it('reports the judged winner of a key, never a forged entry the same update overwrites', () => {
    const room = new Y.Doc()
    const check = new CommentsUpdateCheck()
    const first = new Y.Doc()
    const threadId = openThread(first, ann, ANCHOR, 'x')
    const opening = Y.encodeStateAsUpdate(first)
    check.check(room, opening, ANN)
    Y.applyUpdate(room, opening)
    // Ben's update holds two entries for one new key: a forged one in Ann's name that loses to his own.
    const forger = new Y.Doc()
    forger.clientID = 1
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(room))
    const sv = Y.encodeStateVector(forger)
    const forged = {
      id: 'ben:k1',
      threadId,
      authorId: 'ann',
      authorName: 'Ann',
      body: 'Approved',
      createdAt: Date.now(),
    }
    commentsOf(forger).set('ben:k1', forged)
    const own = new Y.Doc()
    own.clientID = 2
    Y.applyUpdate(own, Y.encodeStateAsUpdate(forger))
    const svOwn = Y.encodeStateVector(own)
    commentsOf(own).set('ben:k1', { ...forged, authorId: 'ben', authorName: 'Ben', body: 'ok' })
    const update = Y.mergeUpdates([Y.encodeStateAsUpdate(forger, sv), Y.encodeStateAsUpdate(own, svOwn)])
    check.check(room, update, BEN)
    expect(createdCommentsOf(update).map((c) => [c.authorId, c.body])).toEqual([['ben', 'ok']])
    expect(createdCommentsOf(opening).map((c) => [c.authorId, c.body])).toEqual([['ann', 'x']])
  })
})

/** A comments document of about 1.1 MB: 900 threads of 4 comments each. */
function largeRoom(): Y.Doc {
  const room = new Y.Doc()
  room.transact(() => {
    for (let i = 0; i < 900; i++) {
      const id = `t${i}`
      threadsOf(room).set(id, { id, anchor: ANCHOR, authorId: 'ann', createdAt: 1, resolved: false })
      for (let j = 0; j < 4; j++) {
        const cid = `c${i}-${j}`
        commentsOf(room).set(cid, {
          id: cid,
          threadId: id,
          authorId: 'ann',
          authorName: 'Ann',
          body: 'x'.repeat(200),
          createdAt: 1,
        })
      }
    }
  })
  return room
}
