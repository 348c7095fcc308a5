import { runDocumentStoreContract } from '../documentStoreContract'
import { MemoryDatabase } from './MemoryDatabase'
import { MemoryStore } from './MemoryStore'

runDocumentStoreContract('MemoryStore', async () => {
  const database = new MemoryDatabase()
  const store = new MemoryStore(database)
  return {
    store,
    async corruptNewestUpdate(room) {
      // Rows are read back as stored, so flipping a byte of one damages the stored row itself.
      const data = (await database.readRoom(room)).log.at(-1)!.data as Uint8Array
      data[data.length - 1]! ^= 0xff
    },
    cleanup: () => store.close(),
  }
})
