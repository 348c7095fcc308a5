import { describe, expect, it } from 'vitest'
import { ConnectionLimits } from './ConnectionLimits'

describe('ConnectionLimits', () => {
  it('refuses a room at its limit, then the node at its limit, and frees slots on remove', () => {
    const limits = new ConnectionLimits(3, 2)
    limits.add('a')
    limits.add('a')
    expect(limits.refusal('a')).toBe('room-connections')
    expect(limits.refusal('b')).toBeUndefined()
    limits.add('b')
    expect(limits.refusal('c')).toBe('node-connections')
    limits.remove('a')
    expect(limits.refusal('a')).toBeUndefined()
    limits.remove('a')
    limits.remove('b')
    expect(limits.roomCount).toBe(0)
    limits.remove('never-added')
    expect(limits.refusal('x')).toBeUndefined()
  })
})
