/**
 * The webhook outbox's part of the DocumentStore contract (runDocumentStoreContract calls it, so
 * every adapter runs it). Test names cite these rules:
 *
 * W1  Enqueued deliveries are claimable at once, oldest first, with attempts counted from 1.
 * W2  A claimed delivery is not claimed again within its lease; after the lease it is, attempts + 1.
 * W3  Claims running at once never hand out the same delivery.
 * W4  A rescheduled delivery is due at its new time; a removed one is gone, and removing twice is fine.
 * W5  The outbox holds at most maxRows: entries past it are refused and the count says so.
 */
import { expect, it } from 'vitest'
import type { DocumentStore } from './DocumentStore'

const NOW = 1_700_000_000_000
const LEASE_MS = 30_000

function entries(count: number, url = 'https://hooks.example/a'): { url: string; body: string }[] {
  return Array.from({ length: count }, (_, index) => ({ url, body: JSON.stringify({ index }) }))
}

export function defineOutboxContract(getStore: () => DocumentStore): void {
  it('W1 enqueued deliveries are claimable at once, oldest first, attempts from 1', async () => {
    const store = getStore()
    expect(await store.enqueueDeliveries(entries(3), { now: NOW, maxRows: 100 })).toBe(3)
    const claimed = await store.claimDeliveries({ now: NOW, limit: 2, leaseMs: LEASE_MS })
    expect(claimed.map((delivery) => JSON.parse(delivery.body).index)).toEqual([0, 1])
    expect(claimed[0]).toMatchObject({ url: 'https://hooks.example/a', attempts: 1, createdAt: NOW })
    expect(typeof claimed[0]?.id).toBe('string')
    expect(await store.countDeliveries()).toBe(3)
  })

  it('W2 a claimed delivery is not claimed again within its lease, and is after it', async () => {
    const store = getStore()
    await store.enqueueDeliveries(entries(1), { now: NOW, maxRows: 100 })
    const [first] = await store.claimDeliveries({ now: NOW, limit: 10, leaseMs: LEASE_MS })
    expect(await store.claimDeliveries({ now: NOW + LEASE_MS - 1, limit: 10, leaseMs: LEASE_MS })).toEqual([])
    const [again] = await store.claimDeliveries({ now: NOW + LEASE_MS, limit: 10, leaseMs: LEASE_MS })
    expect(again).toMatchObject({ id: first?.id, attempts: 2 })
  })

  it('W3 claims running at once never hand out the same delivery', async () => {
    const store = getStore()
    await store.enqueueDeliveries(entries(40), { now: NOW, maxRows: 100 })
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => store.claimDeliveries({ now: NOW, limit: 10, leaseMs: LEASE_MS })),
    )
    const ids = claims.flat().map((delivery) => delivery.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(40)
  })

  it('W4 rescheduled deliveries are due at their new time; removed ones are gone', async () => {
    const store = getStore()
    await store.enqueueDeliveries(entries(2), { now: NOW, maxRows: 100 })
    const [a, b] = await store.claimDeliveries({ now: NOW, limit: 10, leaseMs: LEASE_MS })
    await store.rescheduleDelivery(a!.id, NOW + 5)
    await store.removeDelivery(b!.id)
    await store.removeDelivery(b!.id)
    expect(await store.claimDeliveries({ now: NOW + 4, limit: 10, leaseMs: LEASE_MS })).toEqual([])
    const [retried] = await store.claimDeliveries({ now: NOW + 5, limit: 10, leaseMs: LEASE_MS })
    expect(retried).toMatchObject({ id: a!.id, attempts: 2 })
    expect(await store.countDeliveries()).toBe(1)
  })

  it('W5 the outbox holds at most maxRows; entries past it are refused', async () => {
    const store = getStore()
    expect(await store.enqueueDeliveries(entries(3), { now: NOW, maxRows: 4 })).toBe(3)
    expect(
      await store.enqueueDeliveries(entries(3, 'https://hooks.example/b'), { now: NOW, maxRows: 4 }),
    ).toBe(1)
    expect(await store.countDeliveries()).toBe(4)
  })
}
