// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { PresenceEntry } from './presence'
import { describePresenceChanges } from './presenceNews'

const person = (name: string, isSelf = false): PresenceEntry => ({
  userId: `u-${name}`,
  name,
  color: '#000000',
  isSelf,
  connections: 1,
  role: 'editor',
})

describe('describePresenceChanges', () => {
  it('says who joined and who left, never the local person', () => {
    const me = person('Me', true)
    expect(describePresenceChanges([me, person('Ann')], [me, person('Ben')])).toEqual([
      'Ben joined',
      'Ann left',
    ])
    expect(describePresenceChanges([], [me])).toEqual([])
  })

  it('is silent when the same people are here (a second tab, a reconnect)', () => {
    const before = [person('Me', true), person('Ann')]
    const after = [person('Me', true), { ...person('Ann'), connections: 2 }]
    expect(describePresenceChanges(before, after)).toEqual([])
  })
})
