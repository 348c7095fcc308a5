import { describe, expect, it } from 'vitest'
import { IdOwners } from './IdOwners'
import type { Peer } from './Peer'

function peer(userId: string): Peer {
  return {
    identity: { userId, role: 'editor' },
    wantsSavedAcks: false,
    send: () => {},
    sendSyncStep2: () => {},
    close: () => {},
  }
}

describe('IdOwners', () => {
  it('knows owners both ways; an id taken over is no longer released with its previous owner', () => {
    const owners = new IdOwners()
    const [ann, bob] = [peer('ann'), peer('bob')]
    owners.set(1, ann)
    owners.set(2, ann)
    owners.set(2, bob)
    expect(owners.owner(2)).toBe(bob)
    expect([...owners.idsOf(ann)]).toEqual([1])
    expect(owners.release(ann)).toEqual([1])
    expect(owners.owner(1)).toBeUndefined()
    expect(owners.owner(2)).toBe(bob)
  })

  it('holds nothing for a peer that owns nothing, or has left', () => {
    const owners = new IdOwners()
    const ann = peer('ann')
    expect(owners.idsOf(ann).size).toBe(0)
    expect(owners.release(ann)).toEqual([])
    owners.set(7, ann)
    owners.release(ann)
    expect(owners.idsOf(ann).size).toBe(0)
    expect(owners.release(ann)).toEqual([])
  })
})
