/** When the store refuses a write, nothing unstored is served, readers keep reading, senders resend later. */
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { StorageError } from '../src/persistence/StorageError'
import { connectStockClient, synced } from './helpers/clients'
import { startServer } from './helpers/startServer'

const POLL = { timeout: 10_000, interval: 20 }

describe('a failing store', () => {
  it('closes only the senders (4503), serves nothing unstored, and takes the edit once storage is back', async () => {
    const store = new MemoryStore()
    let failing = false
    const append = store.append.bind(store)
    store.append = async (entries) => {
      if (failing) throw new StorageError('unavailable', 'disk full')
      return append(entries)
    }
    const { wsUrl, server } = await startServer({}, { store })
    const writer = connectStockClient(wsUrl, 'full-disk')
    const reader = connectStockClient(wsUrl, 'full-disk')
    await Promise.all([synced(writer), synced(reader)])
    writer.text.insert(0, 'stored ')
    await vi.waitFor(() => expect(reader.text.toString()).toBe('stored '), POLL)

    failing = true
    const writerClosed = new Promise<number>((resolve) =>
      writer.provider.once('connection-close', (event) => resolve(event?.code ?? 0)),
    )
    writer.text.insert(7, 'lost?')
    expect(await writerClosed).toBe(CLOSE_CODES.STORAGE_UNAVAILABLE.code)
    const room = server.rooms.openRooms[0]!
    expect(room.doc.getText('t').toString(), 'the unstored edit is not in memory').toBe('stored ')
    expect(reader.provider.wsconnected, 'readers stay connected').toBe(true)
    expect(reader.text.toString()).toBe('stored ')

    failing = false
    // The stock client reconnects on its own (45xx is transient) and resends its edit in sync step 2.
    await vi.waitFor(() => expect(reader.text.toString()).toBe('stored lost?'), POLL)
    const stored = await store.load('full-disk')
    const doc = new Y.Doc()
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    expect(doc.getText('t').toString()).toBe('stored lost?')
  })
})
