import { describe, expect, it } from 'vitest'
import { compareThreadComments } from './commentOrder'

describe('compareThreadComments', () => {
  const thread = { authorId: 'ann', createdAt: 1_000 }
  const opener = { id: 'ann:a', authorId: 'ann', createdAt: 1_000 }

  it('keeps the opener first, whatever time a reply claims', () => {
    const backdated = { id: 'bob:b', authorId: 'bob', createdAt: 5 }
    const later = { id: 'cy:c', authorId: 'cy', createdAt: 2_000 }
    expect([later, backdated, opener].sort(compareThreadComments(thread))).toEqual([opener, backdated, later])
  })

  it('orders replies by their time, then id (offline work where it was written)', () => {
    const a = { id: 'bob:a', authorId: 'bob', createdAt: 3_000 }
    const b = { id: 'ann:b', authorId: 'ann', createdAt: 2_000 }
    const c = { id: 'cy:c', authorId: 'cy', createdAt: 2_000 }
    expect([a, c, b, opener].sort(compareThreadComments(thread))).toEqual([opener, b, c, a])
  })
})
